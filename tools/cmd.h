/* SPDX-License-Identifier: MIT */
/* The `softsgx` command's subcommands and their shared helpers. */
#ifndef SOFTSGX_TOOLS_CMD_H
#define SOFTSGX_TOOLS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses: 0 success, 1 failure, 2 bad usage. */
#define EXIT_USAGE 2

/* Each subcommand gets argv[0] = its own name. */
int cmd_measure(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_einit(int argc, char **argv);
int cmd_platform(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* "softsgx CMD: message" on stderr; return 1 / EXIT_USAGE. */
int tool_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tool_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* getopt_long's '?' or ':' result as a usage error. */
int tool_bad_option(const char *cmd, int opt, char **argv);

/* An unsigned number (decimal, 0x hex, 0 octal) no larger than max. */
int parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Exactly 2 * len hex digits. */
int parse_hex(const char *s, uint8_t *out, size_t len);
void format_hex(const uint8_t *data, size_t len, char *out);

/* Named bits of ATTRIBUTES.FLAGS and XFRM. */
struct flag_name {
	uint64_t bit;
	const char *name;
};
extern const struct flag_name attribute_names[];
extern const struct flag_name xfrm_names[];

/* A number, or names joined by ',' or '|' (case-insensitive). */
int parse_flags(const char *s, const struct flag_name *names, uint64_t *out);
/* "NAME|NAME|0x..." for the bits of v ("none" for 0). */
void format_flags(uint64_t v, const struct flag_name *names, char *out,
		  size_t len);

/* Write len bytes to path (created with mode if new); 0 or -1 + errno. */
int write_file(const char *path, const void *data, size_t len, int mode);

#endif /* SOFTSGX_TOOLS_CMD_H */
