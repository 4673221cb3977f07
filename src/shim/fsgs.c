// SPDX-License-Identifier: MIT
#include <sys/auxv.h>

#include "shim/fsgs.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

bool shim_have_fsgsbase;

void shim_fsgs_init(void)
{
	shim_have_fsgsbase = getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE;
}
