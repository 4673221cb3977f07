// SPDX-License-Identifier: MIT
/* Helpers shared by the subcommands of `softsgx`. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arch/sgx_arch.h"
#include "cmd.h"

const struct flag_name attribute_names[] = {
	{ SGX_ATTR_INIT, "INIT" },
	{ SGX_ATTR_DEBUG, "DEBUG" },
	{ SGX_ATTR_MODE64BIT, "MODE64BIT" },
	{ SGX_ATTR_PROVISIONKEY, "PROVISIONKEY" },
	{ SGX_ATTR_EINITTOKENKEY, "EINITTOKEN_KEY" },
	{ SGX_ATTR_CET, "CET" },
	{ SGX_ATTR_KSS, "KSS" },
	{ SGX_ATTR_AEXNOTIFY, "AEXNOTIFY" },
	{ 0, NULL },
};

/* XCR0 components (spec 2.1, 2.5). */
const struct flag_name xfrm_names[] = {
	{ 1ULL << 0, "X87" },	     { 1ULL << 1, "SSE" },
	{ 1ULL << 2, "AVX" },	     { 1ULL << 3, "BNDREGS" },
	{ 1ULL << 4, "BNDCSR" },     { 1ULL << 5, "OPMASK" },
	{ 1ULL << 6, "ZMM_HI256" },  { 1ULL << 7, "HI16_ZMM" },
	{ 1ULL << 9, "PKRU" },	     { 1ULL << 17, "XTILECFG" },
	{ 1ULL << 18, "XTILEDATA" }, { 0, NULL },
};

static void vreport(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "softsgx %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tool_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	return 1;
}

int tool_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'softsgx %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int tool_bad_option(const char *cmd, int opt, char **argv)
{
	/* With opterr = 0, getopt leaves the culprit just before optind. */
	extern int optind, optopt;
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (opt == ':')
		return tool_usage_error(cmd, "option '%s' needs a value", arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return tool_usage_error(cmd, "unknown option '-%c'", optopt);
	return tool_usage_error(cmd, "unknown option '%s'", arg);
}

int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and leading blanks; a number here may not. */
	if (!s || !*s || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex(const char *s, uint8_t *out, size_t len)
{
	if (strlen(s) != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void format_hex(const uint8_t *data, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 0xF];
	}
	out[2 * len] = '\0';
}

static int parse_flag_name(const char *name, size_t len,
			   const struct flag_name *names, uint64_t *out)
{
	for (const struct flag_name *f = names; f->name; f++) {
		if (strlen(f->name) == len &&
		    !strncasecmp(name, f->name, len)) {
			*out |= f->bit;
			return 0;
		}
	}
	return -1;
}

int parse_flags(const char *s, const struct flag_name *names, uint64_t *out)
{
	if (!parse_uint(s, UINT64_MAX, out))
		return 0;
	*out = 0;
	if (!*s)
		return -1;
	for (;;) {
		size_t len = strcspn(s, ",|");

		if (!len || parse_flag_name(s, len, names, out))
			return -1;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

void format_flags(uint64_t v, const struct flag_name *names, char *out,
		  size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const struct flag_name *f = names; f->name && n < len; f++) {
		if (!(v & f->bit))
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "|" : "",
				      f->name);
		v &= ~f->bit;
	}
	if (v && n < len)
		n += (size_t)snprintf(out + n, len - n, "%s0x%llx",
				      n ? "|" : "", (unsigned long long)v);
	if (!n)
		snprintf(out, len, "none");
}

int write_file(const char *path, const void *data, size_t len, int mode)
{
	const uint8_t *p = data;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto fail;
		p += r;
		len -= (size_t)r;
	}
	if (close(fd))
		return -1;
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err ? err : EIO;
	return -1;
}
