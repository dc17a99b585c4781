// SPDX-License-Identifier: MIT
/*
 * buddyscope replay: replay a trace through the model, in shadow mode (how
 * close is the model to what the kernel did?) or what-if mode (what would
 * other settings have done?), into a run store.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#include "replay_sink_viz.h"

static volatile int replay_stop;

static void on_signal(int sig)
{
	(void)sig;
	replay_stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: buddyscope replay TRACE --db RUNS.db [--mode shadow|whatif] [settings...]\n"
		"                         [--config FILE.json] [--json] [--sample-interval-ms N]\n"
		"                         [--paranoid[=N]] [--label TEXT] [--maps N]\n"
		"\n"
		"  --db RUNS.db            run store to add the run to (created if missing)\n"
		"  --mode shadow|whatif    shadow (default) follows the kernel and measures the\n"
		"                          model's fidelity; whatif replays the same requests\n"
		"                          under the settings below\n"
		"  --config FILE.json      settings as a JSON object {\"max-order\": 12, ...}\n"
		"  --json                  print the summary (replay/SUMMARY.md) as JSON\n"
		"  --sample-interval-ms N  sample every N ms of trace time (default 100;\n"
		"                          0 = only at checkpoints and at the end)\n"
		"  --paranoid[=N]          run model_check() after every (N-th) page event\n"
		"  --label TEXT            label of the run in the store\n"
		"  --maps N                pageblock memory maps stored between the start and\n"
		"                          the end, evenly through the trace (default 3, up to\n"
		"                          1000): report --at shows the stored map nearest each\n"
		"                          time asked\n"
		"\n"
		"what-if settings (default: the traced host's values):\n");
	replay_cli_settings_help(f);
	fprintf(f, "  --no-reclaim, --no-compaction  the same as --reclaim 0, --compaction 0\n");
}

enum { OPT_DB = 1000, OPT_MODE, OPT_CONFIG, OPT_JSON, OPT_INTERVAL, OPT_PARANOID,
       OPT_LABEL, OPT_HELP, OPT_MAPS, OPT_NO_RECLAIM, OPT_NO_COMPACTION, OPT_SETTING };

/* replay's own options, then one a setting (OPT_SETTING + its index), in @cap entries. */
static void replay_longopts_fill(struct option *longopts, size_t cap)
{
	static const struct { const char *name; int has_arg; int val; } base[] = {
		{ "db", 1, OPT_DB },	       { "mode", 1, OPT_MODE },
		{ "config", 1, OPT_CONFIG },   { "json", 0, OPT_JSON },
		{ "sample-interval-ms", 1, OPT_INTERVAL }, { "paranoid", 2, OPT_PARANOID },
		{ "label", 1, OPT_LABEL },     { "help", 0, OPT_HELP },
		{ "maps", 1, OPT_MAPS },
		{ "no-reclaim", 0, OPT_NO_RECLAIM }, { "no-compaction", 0, OPT_NO_COMPACTION },
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		longopts[n++] = (struct option){ base[i].name, base[i].has_arg, NULL, base[i].val };
	n += (int)replay_cli_setting_options(longopts + n, cap - (size_t)n - 1, OPT_SETTING);
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* The numeric options: --sample-interval-ms, --maps, --paranoid. -1 to go on, else 2. */
static int replay_number_option(int c, const char *arg, struct replay_opts *o)
{
	char *end;

	if (c == OPT_INTERVAL) {
		unsigned long long ms = strtoull(arg, &end, 10);

		if (end == arg || *end || arg[0] == '-' || ms > 1000000000ull) {
			return cli_usage_error("replay", "--sample-interval-ms '%s' "
				             "is not a number of milliseconds", arg);
		}
		o->sample_interval_ns = ms ? ms * 1000000ull : UINT64_MAX;
	} else if (c == OPT_MAPS) {
		unsigned long n = strtoul(arg, &end, 10);

		if (end == arg || *end || arg[0] == '-' || n < 1 || n > 1000) {
			return cli_usage_error("replay", "--maps '%s' is not a "
				             "number of maps from 1 to 1000", arg);
		}
		o->pbmaps_between = (uint32_t)n;
	} else {
		o->paranoid = true;
		if (arg) {
			unsigned long n = strtoul(arg, &end, 10);

			if (end == arg || *end || !n || n > UINT32_MAX) {
				return cli_usage_error("replay", "--paranoid=%s: "
					             "expected a positive number of events", arg);
			}
			o->paranoid_every = (uint32_t)n;
		}
	}
	return -1;
}

/* The setting named by option @c, or NULL when @c is not a setting's option. */
static const char *replay_setting_name(int c)
{
	if (c >= OPT_SETTING && replay_setting_at((size_t)(c - OPT_SETTING)))
		return replay_setting_at((size_t)(c - OPT_SETTING))->name;
	if (c == OPT_NO_RECLAIM || c == OPT_NO_COMPACTION)
		return c == OPT_NO_RECLAIM ? "reclaim" : "compaction";
	return NULL;
}

/*
 * Checks every option; the settings go to @from_flags only to be checked.
 * -1 to go on, else the exit status.
 */
static int replay_parse_options(struct replay_cli_run *run, const char **config,
				struct replay_settings *from_flags, const struct option *longopts,
				int argc, char **argv)
{
	const char *name;
	int c, idx, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		switch (c) {
		case OPT_DB:
			run->db = optarg;
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "shadow")) {
				run->opts.mode = REPLAY_SHADOW;
			} else if (!strcmp(optarg, "whatif") || !strcmp(optarg, "what-if")) {
				run->opts.mode = REPLAY_WHATIF;
			} else {
				return cli_usage_error("replay", "--mode '%s': expected "
					             "shadow or whatif", optarg);
			}
			break;
		case OPT_CONFIG:
			*config = optarg;
			break;
		case OPT_JSON:
			run->json = true;
			break;
		case OPT_INTERVAL:
		case OPT_MAPS:
		case OPT_PARANOID:
			if ((ret = replay_number_option(c, optarg, &run->opts)) >= 0)
				return ret;
			break;
		case OPT_LABEL:
			run->opts.label = optarg;
			break;
		case OPT_HELP:
		case 'h':
			usage(stdout);
			return 0;
		case '?':
			if (optopt)
				cli_error("replay", "option '%s' needs a value "
					"or is unknown", argv[optind - 1]);
			else
				cli_error("replay", "unknown option '%s'", argv[optind - 1]);
			usage(stderr);
			return 2;
		default:
			if ((name = replay_setting_name(c))) {
				if (replay_cli_setting("replay", from_flags, name,
						       c >= OPT_SETTING ? optarg : "0") < 0)
					return 2;
				break;
			}
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1)
		return cli_usage_fail("replay", usage, "%s",
				      optind >= argc ? "no TRACE given" : "more than one TRACE given");
	run->trace = argv[optind];
	if (!run->db)
		return cli_usage_fail("replay", usage, "--db RUNS.db is required");
	return -1;
}

/* The config file first, then the settings given as flags win. -1 to go on, else 2. */
static int replay_settings_apply(struct replay_cli_run *run, const char *config,
				 const struct option *longopts, int argc, char **argv)
{
	struct bs_error err;
	const char *name;
	int c, idx;

	int rc = config ? replay_settings_load_json(&run->opts.settings, config, &err) : 0;
	if (rc) {
		cli_fail("replay", config, rc, err.text);
		return 2;
	}
	/* the flags (checked by replay_parse_options()) are applied again on top of the config */
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if ((name = replay_setting_name(c)))
			replay_cli_setting("replay", &run->opts.settings, name,
					   c >= OPT_SETTING ? optarg : "0");
	}
	if (run->opts.mode == REPLAY_SHADOW) {
		char *j = replay_settings_json(&run->opts.settings);
		bool changed = j && strcmp(j, "{}");

		free(j);
		if (changed) {
			return cli_usage_error("replay", "settings change what-if runs only; "
				             "add --mode whatif");
		}
	}
	return -1;
}

int cmd_replay(int argc, char **argv)
{
	struct option longopts[64];
	struct replay_cli_run run;
	struct replay_result res;
	struct replay_settings from_flags;
	const char *config = NULL;
	int status;

	replay_longopts_fill(longopts, sizeof(longopts) / sizeof(longopts[0]));
	memset(&run, 0, sizeof(run));
	run.cmd = "replay";
	replay_opts_init(&run.opts);
	replay_settings_init(&from_flags);
	status = replay_parse_options(&run, &config, &from_flags, longopts, argc, argv);
	if (status < 0)
		status = replay_settings_apply(&run, config, longopts, argc, argv);
	if (status >= 0)
		return status;
	run.opts.stop = &replay_stop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	status = replay_cli_run_one(&run, &res);
	replay_result_release(&res);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return status;
}
