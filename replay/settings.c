// SPDX-License-Identifier: MIT
/*
 * What-if settings: parsing them from option text, from a JSON config file
 * and from sweep grid points, and printing the changed ones as JSON for the
 * run store. One table names every setting so the three front doors agree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay_internal.h"

enum setting_kind {
	SET_INT,
	SET_I64,
	SET_LIST,
	SET_SECONDS,		/* decimal seconds, stored as int64 ns */
};

struct setting_desc {
	struct replay_setting_info pub;	/* name, value shape, range, help */
	enum setting_kind kind;
	size_t offset;
};

#define SD(n, k, f, lo, hi, arg, help) \
	{ { n, arg, lo, hi, help }, k, offsetof(struct replay_settings, f) }
/* The one table: options, JSON config keys, sweep grid keys and --help. */
static const struct setting_desc settings_table[] = {
	SD("max-order", SET_INT, nr_page_orders, 9, 14, "N",
	   "the NUMBER of orders (orders 0..N-1): 6.1's\n"
	   "MAX_ORDER (11); on 6.8+ NR_PAGE_ORDERS, which is\n"
	   "MAX_PAGE_ORDER + 1 (6.4-6.7: MAX_ORDER + 1)"),
	SD("pageblock-order", SET_INT, pageblock_order, 1, 13, "N", ""),
	SD("min-free-kbytes", SET_I64, min_free_kbytes, 128, 1ll << 40, "N", ""),
	SD("watermark-scale-factor", SET_INT, watermark_scale_factor, 1, 3000, "N", ""),
	SD("watermark-boost-factor", SET_INT, watermark_boost_factor, 0, 1 << 30, "N",
	   "0 disables boosting"),
	SD("lowmem-reserve-ratio", SET_LIST, lowmem_reserve_ratio, 0, 1 << 30, "A,B,C,...", ""),
	SD("pcp-high-fraction", SET_INT, pcp_high_fraction, 0, 1 << 20, "N", "0 or >= 8"),
	SD("pcp-batch", SET_INT, pcp_batch, 1, 1 << 20, "N", ""),
	SD("cpus", SET_INT, nr_cpus, 1, 1024, "N", ""),
	SD("compaction-proactiveness", SET_INT, compaction_proactiveness, 0, 100, "N",
	   "0: no proactive compaction"),
	SD("extfrag-threshold", SET_INT, extfrag_threshold, 0, 1000, "N",
	   "costly orders compact only above it"),
	SD("reclaim", SET_INT, reclaim, 0, 1, "0|1",
	   "model kswapd and direct reclaim (default 1;\n--no-reclaim is --reclaim 0)"),
	SD("compaction", SET_INT, compaction, 0, 1, "0|1",
	   "model compaction (default 1; --no-compaction\nis --compaction 0)"),
	SD("compact-at", SET_SECONDS, compact_at_ns, 0, 1ll << 62, "SECONDS",
	   "compact all memory at that trace time (seconds\nafter the first event), as writing\n/proc/sys/vm/compact_memory"),
};
#define NR_SETTINGS (sizeof(settings_table) / sizeof(settings_table[0]))

void replay_err_set(struct bs_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bs_error_vformat(err, BS_NOWHERE, 0, fmt, ap);
	va_end(ap);
}

const struct replay_setting_info *replay_setting_at(size_t i)
{
	return i < NR_SETTINGS ? &settings_table[i].pub : NULL;
}

void replay_settings_init(struct replay_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->nr_page_orders = -1;
	s->pageblock_order = -1;
	s->min_free_kbytes = -1;
	s->watermark_scale_factor = -1;
	s->watermark_boost_factor = -1;
	s->nr_lowmem_reserve_ratio = 0;
	s->pcp_high_fraction = -1;
	s->pcp_batch = -1;
	s->nr_cpus = -1;
	s->compaction_proactiveness = -1;
	s->extfrag_threshold = -1;
	s->reclaim = -1;
	s->compaction = -1;
	s->compact_at_ns = -1;
}

/* Accept "watermark_scale_factor" for "watermark-scale-factor". */
static const struct setting_desc *setting_find(const char *name)
{
	char buf[64];
	size_t i;

	if (strlen(name) >= sizeof(buf))
		return NULL;
	for (i = 0; name[i]; i++)
		buf[i] = name[i] == '_' ? '-' : name[i];
	buf[i] = '\0';
	for (i = 0; i < NR_SETTINGS; i++)
		if (!strcmp(settings_table[i].pub.name, buf))
			return &settings_table[i];
	return NULL;
}

static int parse_ll(const char *text, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(text, &end, 10);
	if (errno || end == text || *end)
		return -EINVAL;
	return 0;
}

/* "1.5" -> 1500000000 ns; no sign, no exponent, at most nanosecond digits. */
static int parse_seconds_ns(const char *text, long long *out)
{
	char *end;
	double v;

	if (!*text || *text == '-' || *text == '+' || strpbrk(text, "eEnNiIxX"))
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (errno || end == text || *end || !(v >= 0) || v > 4e9)
		return -EINVAL;
	*out = (long long)(v * 1e9 + 0.5);
	return 0;
}

static int setting_store(struct replay_settings *s, const struct setting_desc *d,
			 const long long *vals, int n, struct bs_error *err)
{
	char *base = (char *)s + d->offset;

	for (int i = 0; i < n; i++) {
		if (vals[i] < d->pub.min || vals[i] > d->pub.max) {
			replay_err_set(err, "%s: %lld is out of range (%lld..%lld)", d->pub.name, vals[i],
				d->pub.min, d->pub.max);
			return -EINVAL;
		}
	}
	if (!strcmp(d->pub.name, "pcp-high-fraction") && vals[0] > 0 && vals[0] < 8) {
		replay_err_set(err, "pcp-high-fraction: %lld must be 0 or at least 8", vals[0]);
		return -EINVAL;
	}
	switch (d->kind) {
	case SET_INT:
		*(int *)base = (int)vals[0];
		break;
	case SET_I64:
	case SET_SECONDS:
		*(int64_t *)base = vals[0];
		break;
	case SET_LIST:
		for (int i = 0; i < n; i++)
			s->lowmem_reserve_ratio[i] = (int)vals[i];
		s->nr_lowmem_reserve_ratio = n;
		break;
	}
	return 0;
}

int replay_settings_set(struct replay_settings *s, const char *name, const char *value,
			struct bs_error *err)
{
	const struct setting_desc *d = setting_find(name);
	long long vals[8];
	int n = 0;

	if (!d) {
		replay_err_set(err, "unknown setting '%s'", name);
		return -ENOENT;
	}
	if (d->kind == SET_LIST) {
		char buf[256], *save = NULL, *tok;

		snprintf(buf, sizeof(buf), "%s", value);
		for (tok = strtok_r(buf, ",/", &save); tok; tok = strtok_r(NULL, ",/", &save)) {
			if (n == 8 || parse_ll(tok, &vals[n])) {
				replay_err_set(err, "%s: '%s' is not a list of up to 8 integers", name,
					value);
				return -EINVAL;
			}
			n++;
		}
		if (!n) {
			replay_err_set(err, "%s: empty list", name);
			return -EINVAL;
		}
	} else if (d->kind == SET_SECONDS) {
		if (parse_seconds_ns(value, &vals[0])) {
			replay_err_set(err, "%s: '%s' is not a number of seconds", name, value);
			return -EINVAL;
		}
		n = 1;
	} else {
		if (parse_ll(value, &vals[0])) {
			replay_err_set(err, "%s: '%s' is not an integer", name, value);
			return -EINVAL;
		}
		n = 1;
	}
	return setting_store(s, d, vals, n, err);
}

int replay_settings_load_json(struct replay_settings *s, const char *path,
			      struct bs_error *err)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *v;
	const char *key;
	int ret = 0;

	if (!root) {
		int e = errno;

		/* jansson gives line -1 when the file could not be read at all. */
		if (jerr.line < 0)
			replay_err_set(err, "%s: cannot read: %s", path,
				       e ? strerror(e) : jerr.text);
		else
			replay_err_set(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return e == ENOENT ? -ENOENT : -EINVAL;
	}
	if (!json_is_object(root)) {
		replay_err_set(err, "%s: not a JSON object", path);
		json_decref(root);
		return -EINVAL;
	}
	json_object_foreach(root, key, v) {
		const struct setting_desc *d = setting_find(key);
		long long vals[8];
		int n = 0;

		if (!d) {
			replay_err_set(err, "%s: unknown setting '%s'", path, key);
			ret = -EINVAL;
			break;
		}
		if (json_is_array(v) && d->kind == SET_LIST) {
			size_t i;
			json_t *e;

			json_array_foreach(v, i, e) {
				if (!json_is_integer(e) || n == 8) {
					n = -1;
					break;
				}
				vals[n++] = json_integer_value(e);
			}
		} else if (json_is_integer(v) && d->kind == SET_SECONDS) {
			vals[n++] = json_integer_value(v) * 1000000000ll;
		} else if (json_is_real(v) && d->kind == SET_SECONDS && json_real_value(v) >= 0 &&
			   json_real_value(v) <= 4e9) {
			vals[n++] = (long long)(json_real_value(v) * 1e9 + 0.5);
		} else if (json_is_integer(v)) {
			vals[n++] = json_integer_value(v);
		} else {
			n = -1;
		}
		if (n <= 0) {
			replay_err_set(err, "%s: setting '%s' needs %s", path, key,
				d->kind == SET_LIST ? "an array of integers"
				: d->kind == SET_SECONDS ? "a number of seconds" : "an integer");
			ret = -EINVAL;
			break;
		}
		ret = setting_store(s, d, vals, n, err);
		if (ret) {
			char why[BS_ERROR_TEXT_LEN];

			snprintf(why, sizeof(why), "%s", err ? err->text : "");
			replay_err_set(err, "%s: %s", path, why);
			break;
		}
	}
	json_decref(root);
	return ret;
}

char *replay_settings_json(const struct replay_settings *s)
{
	json_t *o = json_object();
	char *text;

	for (size_t i = 0; i < NR_SETTINGS; i++) {
		const struct setting_desc *d = &settings_table[i];
		const char *base = (const char *)s + d->offset;

		switch (d->kind) {
		case SET_INT:
			if (*(const int *)base >= 0)
				json_object_set_new(o, d->pub.name, json_integer(*(const int *)base));
			break;
		case SET_I64:
			if (*(const int64_t *)base >= 0)
				json_object_set_new(o, d->pub.name,
						    json_integer(*(const int64_t *)base));
			break;
		case SET_SECONDS:
			if (*(const int64_t *)base >= 0)
				json_object_set_new(o, d->pub.name,
						    json_real((double)*(const int64_t *)base / 1e9));
			break;
		case SET_LIST:
			if (s->nr_lowmem_reserve_ratio > 0) {
				json_t *a = json_array();

				for (int k = 0; k < s->nr_lowmem_reserve_ratio; k++)
					json_array_append_new(
						a, json_integer(s->lowmem_reserve_ratio[k]));
				json_object_set_new(o, d->pub.name, a);
			}
			break;
		}
	}
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

int replay_point_apply(struct replay_settings *s, const char *point, struct bs_error *err)
{
	char buf[1024], *save = NULL, *tok;

	if (strlen(point) >= sizeof(buf)) {
		replay_err_set(err, "grid point too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", point);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');
		int ret;

		if (!eq) {
			replay_err_set(err, "'%s' is not key=value", tok);
			return -EINVAL;
		}
		*eq = '\0';
		ret = replay_settings_set(s, tok, eq + 1, err);
		if (ret)
			return -EINVAL;
	}
	return 0;
}

struct grid_axis {
	char key[64];
	char *values[256];
	int n;
};

static void axes_free(struct grid_axis *ax, int n)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ax[i].n; k++)
			free(ax[i].values[k]);
}

/*
 * One "key=v1,v2,..." part of a grid into ax[*nax]; *nax counts the axes
 * whose values were strdup'ed, so axes_free() frees them on any return.
 */
static int grid_axis_parse(char *tok, struct grid_axis *ax, int *nax, size_t *total,
			   struct bs_error *err)
{
	char *eq = strchr(tok, '='), *vals, *v;
	struct replay_settings probe;
	struct grid_axis *axis;

	while (*tok == ' ')
		tok++;
	if (!*tok) {
		replay_err_set(err, "grid: an empty part (a trailing or doubled ';')");
		return -EINVAL;
	}
	if (!eq || eq == tok) {
		replay_err_set(err, "grid: '%s' is not key=v1,v2,...", tok);
		return -EINVAL;
	}
	if (*nax == 16) {
		replay_err_set(err, "grid: more than 16 keys");
		return -EINVAL;
	}
	*eq = '\0';
	if (!setting_find(tok)) {
		replay_err_set(err, "grid: unknown setting '%s'", tok);
		return -EINVAL;
	}
	for (int a = 0; a < *nax; a++) {
		if (!strcmp(ax[a].key, tok)) {
			replay_err_set(err, "grid: key '%s' given twice", tok);
			return -EINVAL;
		}
	}
	axis = &ax[(*nax)++];
	snprintf(axis->key, sizeof(axis->key), "%s", tok);
	vals = eq + 1;
	while ((v = strsep(&vals, ","))) {
		if (!*v) {
			replay_err_set(err, "grid: an empty value for '%s'", tok);
			return -EINVAL;
		}
		replay_settings_init(&probe);
		if (axis->n == 256) {
			replay_err_set(err, "grid: more than 256 values for '%s'", tok);
			return -EINVAL;
		}
		if (replay_settings_set(&probe, tok, v, err))
			return -EINVAL;
		axis->values[axis->n++] = strdup(v);
	}
	if (!axis->n) {
		replay_err_set(err, "grid: no values for '%s'", tok);
		return -EINVAL;
	}
	*total *= (size_t)axis->n;
	if (*total > 100000) {
		replay_err_set(err, "grid: more than 100000 points");
		return -E2BIG;
	}
	return 0;
}

/* Every combination of the axes' values, last key fastest; NULL on ENOMEM. */
static char **grid_points_expand(const struct grid_axis *ax, int nax, size_t total)
{
	size_t idx[16] = { 0 };
	char **out = calloc(total, sizeof(*out));

	if (!out)
		return NULL;
	for (size_t p = 0; p < total; p++) {
		char line[1024];
		size_t len = 0;

		line[0] = '\0';
		for (int a = 0; a < nax; a++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s=%s",
						a ? ";" : "", ax[a].key, ax[a].values[idx[a]]);
		out[p] = strdup(line);
		/* odometer: last key fastest */
		for (int a = nax - 1; a >= 0; a--) {
			if (++idx[a] < (size_t)ax[a].n)
				break;
			idx[a] = 0;
		}
	}
	return out;
}

int replay_grid_parse(const char *grid, char ***points, size_t *nr_points,
		      struct bs_error *err)
{
	struct grid_axis ax[16];
	int nax = 0, ret = 0;
	char *copy = strdup(grid), *rest, *tok;
	size_t total = 1;

	*points = NULL;
	*nr_points = 0;
	if (!copy)
		return -ENOMEM;
	memset(ax, 0, sizeof(ax));
	/* strsep, not strtok: an empty part or value is a mistake to report, not skip. */
	rest = copy;
	while (!ret && (tok = strsep(&rest, ";")))
		ret = grid_axis_parse(tok, ax, &nax, &total, err);
	if (!ret && !nax) {
		replay_err_set(err, "grid: empty");
		ret = -EINVAL;
	}
	if (!ret) {
		*points = grid_points_expand(ax, nax, total);
		if (*points)
			*nr_points = total;
		else
			ret = -ENOMEM;
	}
	axes_free(ax, nax);
	free(copy);
	return ret;
}
