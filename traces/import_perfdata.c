// SPDX-License-Identifier: MIT
/*
 * perf.data: perf's own file format changes with perf, and perf reads it
 * best, so the import runs `perf script -i IN --show-lost-events --ns` and
 * reads its text as the perf-script importer does. --show-lost-events is
 * what puts the PERF_RECORD_LOST lines (the loss) into the text; --ns keeps
 * the nanoseconds. perf's stderr (its warnings) goes where ours goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "import_internal.h"

/* @name as execvp would find it: true if an executable file is on PATH. */
static bool on_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;
		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name) <
			    (int)sizeof(buf) &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return true;
		path += n + (colon ? 1 : 0);
	}
	return false;
}

/* Start `perf script` on @in_path; its stdout is *@fd. Returns the pid or -errno. */
static pid_t perf_script_start(const char *perf, const char *in_path, int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		execlp(perf, perf, "script", "--show-lost-events", "--ns", "-i", in_path,
		       (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

struct perf_child {
	pid_t pid;
	const char *perf;
	struct textin *in;
};

/*
 * The import read perf's output to its end (or stopped): close the pipe (a
 * perf still writing gets SIGPIPE) and wait. 0 if perf exited with 0.
 */
static int perf_script_end(void *ctx, struct bs_error *err)
{
	struct perf_child *c = ctx;
	int status;
	char what[32];

	textin_close(c->in);
	c->in = NULL;
	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(what, sizeof(what), "exit status %d", WEXITSTATUS(status));
	else
		snprintf(what, sizeof(what), "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return tracefmt_error_set(err, BS_NOWHERE, -EPROTO,
				  "%s " TRACEFMT_PERF_SCRIPT_ARGS " ... failed (%s; "
				  "perf's own message is above)", c->perf, what);
}

int tracefmt_import_perf_data(const char *in_path, const char *perf, const char *out_path,
			      const void *header, size_t header_len,
			      const struct tracefmt_import_opts *opts,
			      struct tracefmt_import_stats *stats, struct bs_error *err)
{
	struct tracefmt_import_stats local;
	struct perf_child c = { .perf = perf ? perf : "perf" };
	int fd = -1, rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (access(in_path, R_OK) < 0) {
		int e = errno;
		tracefmt_error_set(err, BS_NOWHERE, -e, "%s: cannot open: %s", in_path,
				   strerror(e));
		return -e;
	}
	if (!on_path(c.perf)) {
		tracefmt_error_set(err, BS_NOWHERE, -ENOENT,
				   "%s: perf.data needs %s, which is not installed here",
			 in_path, c.perf);
		return -ENOENT;
	}
	c.pid = perf_script_start(c.perf, in_path, &fd);
	if (c.pid < 0) {
		tracefmt_error_set(err, BS_NOWHERE, (int)c.pid, "cannot start %s: %s", c.perf,
				   strerror((int)-c.pid));
		return (int)c.pid;
	}
	c.in = textin_open_fd(fd, in_path, err);
	if (!c.in) {
		rc = -errno;
		kill(c.pid, SIGTERM);
		perf_script_end(&c, NULL);
		return rc;
	}
	rc = tracefmt_import_textin(TRACEFMT_IMPORT_PERF_SCRIPT, c.in, in_path, out_path, header,
				    header_len, opts, perf_script_end, &c, stats, err);
	if (c.in) /* the writer could not start: at_end never ran */
		perf_script_end(&c, NULL);
	return rc;
}
