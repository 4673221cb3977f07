// SPDX-License-Identifier: MIT
/*
 * The emulated platform's persistent state: a small text file of hex
 * fields. Hardware keeps these values in fuses and firmware; softsgx keeps
 * them where sealed data can outlive the process (docs/platform.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "driver/platform.h"

/* A well-formed file is about 400 bytes; anything this big is not ours. */
#define PLATFORM_FILE_MAX 4096

#define FIELD_SIZE 16

/* The persisted fields, in file order. Each is 16 bytes of hex. */
static const struct platform_field {
	const char *name;
	size_t offset;
} platform_fields[] = {
	{ "root_key", offsetof(struct sgx_platform, root_key) },
	{ "seal_fuses", offsetof(struct sgx_platform, seal_fuses) },
	{ "owner_epoch", offsetof(struct sgx_platform, owner_epoch) },
	{ "cpusvn", offsetof(struct sgx_platform, cpusvn) },
};

#define NR_FIELDS (sizeof(platform_fields) / sizeof(platform_fields[0]))

_Static_assert(sizeof(((struct sgx_platform *)0)->root_key) == FIELD_SIZE &&
		       sizeof(((struct sgx_platform *)0)->seal_fuses) ==
			       FIELD_SIZE &&
		       sizeof(((struct sgx_platform *)0)->owner_epoch) ==
			       FIELD_SIZE &&
		       sizeof(((struct sgx_platform *)0)->cpusvn) == FIELD_SIZE,
	       "persisted fields are 16 bytes each");

static const char platform_hint[] =
	"softsgx does not replace it, as that would make sealed data "
	"unreadable; repair it, or move it away to start a new platform";

/* Format a message into err (if any) and return -e. */
static int __attribute__((format(printf, 4, 5)))
fail(int e, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -e;
}

const char *sgx_platform_path(char *buf, size_t len)
{
	/* secure_getenv: a set-id program must not be pointed elsewhere. */
	const char *env = secure_getenv("SOFTSGX_PLATFORM");
	const char *xdg = secure_getenv("XDG_STATE_HOME");
	const char *home = secure_getenv("HOME");
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if (xdg && xdg[0] == '/') /* relative values are invalid */
		n = snprintf(buf, len, "%s/softsgx/platform", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.local/state/softsgx/platform",
			     home);
	else
		return NULL;
	return n >= 0 && (size_t)n < len ? buf : NULL;
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

/* Exactly 2 * len hex digits. Returns 0 or -1. */
static int parse_hex(const char *s, size_t slen, uint8_t *out, size_t len)
{
	if (slen != 2 * len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* One "name=hex" line into p; seen[] catches duplicates. */
static int parse_field(const char *line, size_t len, struct sgx_platform *p,
		       bool seen[NR_FIELDS])
{
	const char *eq = memchr(line, '=', len);
	size_t name_len = eq ? (size_t)(eq - line) : len;

	for (size_t i = 0; eq && i < NR_FIELDS; i++) {
		const struct platform_field *f = &platform_fields[i];

		if (strlen(f->name) != name_len ||
		    memcmp(f->name, line, name_len))
			continue;
		if (seen[i])
			return -1;
		seen[i] = true;
		return parse_hex(eq + 1, len - name_len - 1,
				 (uint8_t *)p + f->offset, FIELD_SIZE);
	}
	return -1;
}

/*
 * The whole file: the magic line, then every field exactly once; blank and
 * '#' lines are comments. A missing final newline means a truncated write.
 */
static int parse_platform(const char *text, size_t size, struct sgx_platform *p,
			  const char *path, char *err, size_t errlen)
{
	bool seen[NR_FIELDS] = { false };
	size_t pos = 0, lineno = 0;

	if (size == 0 || text[size - 1] != '\n')
		return fail(EINVAL, err, errlen,
			    "platform file %s is truncated (no final newline); "
			    "%s",
			    path, platform_hint);
	while (pos < size) {
		const char *line = text + pos;
		size_t len =
			(size_t)((const char *)memchr(line, '\n', size - pos) -
				 line);

		pos += len + 1;
		lineno++;
		if (lineno == 1) {
			if (len != strlen(SGX_PLATFORM_MAGIC) ||
			    memcmp(line, SGX_PLATFORM_MAGIC, len))
				return fail(EINVAL, err, errlen,
					    "%s is not a softsgx platform file "
					    "(first line is not \"%s\"); %s",
					    path, SGX_PLATFORM_MAGIC,
					    platform_hint);
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (parse_field(line, len, p, seen))
			return fail(EINVAL, err, errlen,
				    "platform file %s, line %zu: expected "
				    "NAME=<32 hex digits>, NAME being each of "
				    "root_key, seal_fuses, owner_epoch and "
				    "cpusvn once; %s",
				    path, lineno, platform_hint);
	}
	for (size_t i = 0; i < NR_FIELDS; i++)
		if (!seen[i])
			return fail(EINVAL, err, errlen,
				    "platform file %s has no %s (truncated?); "
				    "%s",
				    path, platform_fields[i].name,
				    platform_hint);
	return 0;
}

/* The secrets are only as private as this file: refuse a shared one. */
static int check_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return fail(errno, err, errlen, "cannot stat %s: %s", path,
			    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(EINVAL, err, errlen,
			    "platform file %s is not a regular file", path);
	if (st.st_uid != geteuid())
		return fail(EACCES, err, errlen,
			    "platform file %s belongs to uid %u, not to you "
			    "(uid %u)",
			    path, (unsigned int)st.st_uid,
			    (unsigned int)geteuid());
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return fail(EACCES, err, errlen,
			    "platform file %s has mode %04o: its secrets must "
			    "not be accessible to group or others (chmod 600 "
			    "%s)",
			    path, (unsigned int)(st.st_mode & 07777), path);
	if (st.st_size > PLATFORM_FILE_MAX)
		return fail(EINVAL, err, errlen,
			    "platform file %s is too large (%lld bytes); %s",
			    path, (long long)st.st_size, platform_hint);
	return 0;
}

static int read_platform(int fd, const char *path, struct sgx_platform *p,
			 char *err, size_t errlen)
{
	char text[PLATFORM_FILE_MAX + 1];
	size_t size = 0;
	ssize_t n;
	int ret = check_file(fd, path, err, errlen);

	while (!ret && size < sizeof(text)) {
		n = read(fd, text + size, sizeof(text) - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = fail(errno, err, errlen, "cannot read %s: %s",
				   path, strerror(errno));
		else if (n == 0)
			break;
		else
			size += (size_t)n;
	}
	if (!ret && size > PLATFORM_FILE_MAX)
		ret = fail(EINVAL, err, errlen,
			   "platform file %s is too large; %s", path,
			   platform_hint);
	if (!ret)
		ret = parse_platform(text, size, p, path, err, errlen);
	OPENSSL_cleanse(text, sizeof(text));
	return ret;
}

/* mkdir -p of path's parent; each directory created is private (0700). */
static int make_parents(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	struct stat st;
	int n = snprintf(dir, sizeof(dir), "%s", path);

	if (n < 0 || (size_t)n >= sizeof(dir))
		return fail(ENAMETOOLONG, err, errlen, "path too long: %s",
			    path);
	for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (stat(dir, &st) && mkdir(dir, 0700) && errno != EEXIST)
			return fail(errno, err, errlen, "cannot create %s: %s",
				    dir, strerror(errno));
		*s = '/';
	}
	return 0;
}

static size_t format_platform(const struct sgx_platform *p, char *buf,
			      size_t len)
{
	size_t pos = (size_t)snprintf(
		buf, len,
		"%s\n"
		"# softsgx emulated SGX platform (docs/platform.md). NOT a "
		"secure key store.\n"
		"# Changing or losing root_key or seal_fuses makes sealed "
		"data unreadable.\n",
		SGX_PLATFORM_MAGIC);

	for (size_t i = 0; i < NR_FIELDS && pos < len; i++) {
		const uint8_t *v =
			(const uint8_t *)p + platform_fields[i].offset;

		pos += (size_t)snprintf(buf + pos, len - pos,
					"%s=", platform_fields[i].name);
		for (size_t j = 0; j < FIELD_SIZE && pos < len; j++)
			pos += (size_t)snprintf(buf + pos, len - pos, "%02x",
						v[j]);
		if (pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "\n");
	}
	return pos < len ? pos : len - 1; /* never with a PLATFORM_FILE_MAX */
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Publish a complete temporary file under path, without or with replace. */
static int publish(const char *tmp, const char *path, bool replace)
{
	if (replace)
		return rename(tmp, path);
	if (!link(tmp, path))
		return 0;
	/* Some file systems have no hard links; renameat2 is as exclusive. */
	if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)
		return renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
				 RENAME_NOREPLACE);
	return -1;
}

int sgx_platform_save(const struct sgx_platform *p, const char *path,
		      bool replace, char *err, size_t errlen)
{
	char tmp[PATH_MAX], text[PLATFORM_FILE_MAX];
	size_t len = format_platform(p, text, sizeof(text));
	int n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	int fd, ret = 0;

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return fail(ENAMETOOLONG, err, errlen, "path too long: %s",
			    path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return fail(errno, err, errlen, "cannot create %s: %s", tmp,
			    strerror(errno));
	/* Complete and on disk before it gets its name. */
	if (fchmod(fd, 0600) || write_all(fd, text, len) || fsync(fd))
		ret = fail(errno, err, errlen, "cannot write %s: %s", tmp,
			   strerror(errno));
	OPENSSL_cleanse(text, sizeof(text));
	if (close(fd) && !ret)
		ret = fail(errno, err, errlen, "cannot write %s: %s", tmp,
			   strerror(errno));
	if (!ret && publish(tmp, path, replace))
		ret = fail(errno, err, errlen, "cannot create %s: %s", path,
			   strerror(errno));
	unlink(tmp); /* a no-op after rename */
	return ret;
}

/*
 * A new platform: random fuses, owner epoch 0, the default CPUSVN. If
 * another process creates the file first, its platform is the one used.
 */
static int create_platform(const char *path, char *err, size_t errlen)
{
	struct sgx_platform p;
	int ret = make_parents(path, err, errlen);

	if (ret)
		return ret;
	memset(&p, 0, sizeof(p));
	memset(p.cpusvn, SGX_PLATFORM_DEFAULT_CPUSVN_BYTE, sizeof(p.cpusvn));
	if (RAND_bytes(p.root_key, sizeof(p.root_key)) != 1 ||
	    RAND_bytes(p.seal_fuses, sizeof(p.seal_fuses)) != 1)
		return fail(EIO, err, errlen, "no random numbers for %s", path);
	ret = sgx_platform_save(&p, path, false, err, errlen);
	OPENSSL_cleanse(&p, sizeof(p));
	return ret == -EEXIST ? 0 : ret;
}

int sgx_platform_load_path(struct sgx_platform *p, const char *path, char *err,
			   size_t errlen)
{
	struct sgx_platform tmp;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		ret = create_platform(path, err, errlen);
		if (ret)
			return ret;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0)
		return fail(errno, err, errlen, "cannot open %s: %s", path,
			    strerror(errno));
	memset(&tmp, 0, sizeof(tmp));
	ret = read_platform(fd, path, &tmp, err, errlen);
	close(fd);
	/* Per boot: a new report key id and paging key every load. */
	if (!ret &&
	    (RAND_bytes(tmp.report_keyid, sizeof(tmp.report_keyid)) != 1 ||
	     RAND_bytes(tmp.paging_key, sizeof(tmp.paging_key)) != 1))
		ret = fail(EIO, err, errlen, "no random numbers");
	if (!ret)
		*p = tmp;
	OPENSSL_cleanse(&tmp, sizeof(tmp));
	return ret;
}

int sgx_platform_load(struct sgx_platform *p, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (!sgx_platform_path(path, sizeof(path)))
		return fail(ENOENT, err, errlen,
			    "no place for the softsgx platform file: set "
			    "SOFTSGX_PLATFORM, XDG_STATE_HOME or HOME");
	return sgx_platform_load_path(p, path, err, errlen);
}
