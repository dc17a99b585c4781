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

int cmd_replay(int argc, char **argv)
{
	enum { OPT_DB = 1000, OPT_MODE, OPT_CONFIG, OPT_JSON, OPT_INTERVAL, OPT_PARANOID,
	       OPT_LABEL, OPT_HELP, OPT_MAPS, OPT_NO_RECLAIM, OPT_NO_COMPACTION, OPT_SETTING };
	struct option longopts[64];
	struct replay_cli_run run;
	struct replay_result res;
	struct replay_settings from_flags;
	struct bs_error err;
	const char *config = NULL;
	int n = 0, c, idx, status;

	static const struct { const char *name; int has_arg; int val; } base[] = {
		{ "db", 1, OPT_DB },	       { "mode", 1, OPT_MODE },
		{ "config", 1, OPT_CONFIG },   { "json", 0, OPT_JSON },
		{ "sample-interval-ms", 1, OPT_INTERVAL }, { "paranoid", 2, OPT_PARANOID },
		{ "label", 1, OPT_LABEL },     { "help", 0, OPT_HELP },
		{ "maps", 1, OPT_MAPS },
		{ "no-reclaim", 0, OPT_NO_RECLAIM }, { "no-compaction", 0, OPT_NO_COMPACTION },
	};
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		longopts[n++] = (struct option){ base[i].name, base[i].has_arg, NULL, base[i].val };
	n += (int)replay_cli_setting_options(longopts + n, sizeof(longopts) / sizeof(longopts[0]) -
						     (size_t)n - 1, OPT_SETTING);
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	memset(&run, 0, sizeof(run));
	run.cmd = "replay";
	replay_opts_init(&run.opts);
	replay_settings_init(&from_flags);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		switch (c) {
		case OPT_DB:
			run.db = optarg;
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "shadow")) {
				run.opts.mode = REPLAY_SHADOW;
			} else if (!strcmp(optarg, "whatif") || !strcmp(optarg, "what-if")) {
				run.opts.mode = REPLAY_WHATIF;
			} else {
				return cli_usage_error("replay", "--mode '%s': expected "
					             "shadow or whatif", optarg);
			}
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_JSON:
			run.json = true;
			break;
		case OPT_INTERVAL: {
			char *end;
			unsigned long long ms = strtoull(optarg, &end, 10);

			if (end == optarg || *end || optarg[0] == '-' || ms > 1000000000ull) {
				return cli_usage_error("replay", "--sample-interval-ms '%s' "
					             "is not a number of milliseconds", optarg);
			}
			run.opts.sample_interval_ns = ms ? ms * 1000000ull : UINT64_MAX;
			break;
		}
		case OPT_MAPS: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (end == optarg || *end || optarg[0] == '-' || n < 1 || n > 1000) {
				return cli_usage_error("replay", "--maps '%s' is not a "
					             "number of maps from 1 to 1000", optarg);
			}
			run.opts.pbmaps_between = (uint32_t)n;
			break;
		}
		case OPT_PARANOID:
			run.opts.paranoid = true;
			if (optarg) {
				char *end;
				unsigned long n = strtoul(optarg, &end, 10);

				if (end == optarg || *end || !n || n > UINT32_MAX) {
					return cli_usage_error("replay", "--paranoid=%s: "
						             "expected a positive number of events", optarg);
				}
				run.opts.paranoid_every = (uint32_t)n;
			}
			break;
		case OPT_LABEL:
			run.opts.label = optarg;
			break;
		case OPT_NO_RECLAIM:
		case OPT_NO_COMPACTION: {
			const char *name = c == OPT_NO_RECLAIM ? "reclaim" : "compaction";

			if (replay_cli_setting("replay", &from_flags, name, "0") < 0)
				return 2;
			break;
		}
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
			if (c >= OPT_SETTING && replay_setting_at((size_t)(c - OPT_SETTING))) {
				const char *name = replay_setting_at((size_t)(c - OPT_SETTING))->name;

				if (replay_cli_setting("replay", &from_flags, name, optarg) < 0)
					return 2;
				break;
			}
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cli_error("replay", "%s",
			optind >= argc ? "no TRACE given" : "more than one TRACE given");
		usage(stderr);
		return 2;
	}
	run.trace = argv[optind];
	if (!run.db) {
		cli_error("replay", "--db RUNS.db is required");
		usage(stderr);
		return 2;
	}
	/* the config file first, then the flags given on the command line win */
	int rc = config ? replay_settings_load_json(&run.opts.settings, config, &err) : 0;
	if (rc) {
		cli_fail("replay", config, rc, err.text);
		return 2;
	}
	/* the flags (checked above) are applied again on top of the config */
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if (c >= OPT_SETTING && replay_setting_at((size_t)(c - OPT_SETTING)))
			replay_cli_setting("replay", &run.opts.settings,
					   replay_setting_at((size_t)(c - OPT_SETTING))->name, optarg);
		else if (c == OPT_NO_RECLAIM || c == OPT_NO_COMPACTION)
			replay_cli_setting("replay", &run.opts.settings,
					   c == OPT_NO_RECLAIM ? "reclaim" : "compaction", "0");
	}
	if (run.opts.mode == REPLAY_SHADOW) {
		char *j = replay_settings_json(&run.opts.settings);
		bool changed = j && strcmp(j, "{}");

		free(j);
		if (changed) {
			return cli_usage_error("replay", "settings change what-if runs only; "
				             "add --mode whatif");
		}
	}
	run.opts.stop = &replay_stop;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	status = replay_cli_run_one(&run, &res);
	replay_result_release(&res);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	return status;
}
