// SPDX-License-Identifier: MIT
/*
 * replay_run_many(): several runs of one trace fed from one decoding pass.
 * The calling thread reads and decodes the trace into batches of
 * MANY_BATCH records held in a ring of MANY_SLOTS; each worker thread owns
 * some of the runs and feeds every batch to each of them in turn, then
 * hands the slot back. A run sees exactly the records, and the fraction of
 * the file read at every 4096th record, that replay_run() gives it, so its
 * figures are the same.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "replay_internal.h"

#define MANY_BATCH 256u	/* divides 4096: a batch's last record may be a 4096th */
#define MANY_SLOTS 4u

struct many_slot {
	struct tracefmt_event ev[MANY_BATCH];
	size_t n;
	double frac;		/* fraction of the file read after the batch's last record */
	unsigned int readers;	/* workers that have not consumed it yet */
};

struct many {
	pthread_mutex_t lock;
	pthread_cond_t filled, drained;
	struct many_slot *slots;	/* [MANY_SLOTS] */
	uint64_t produced;		/* batches published */
	bool eof;			/* no batch after produced */
	int read_status;		/* the reader's last return */
	const char *path;
	struct tracefmt_reader *rd;
	struct replay_job *jobs;
	size_t nr_jobs;
	unsigned int nr_workers;	/* started: each consumes every batch */
	unsigned int stride;		/* worker i owns runs i, i + stride, ... */
	bool abort;			/* the threads could not all start */
	bool hashing;			/* a run has opts->hash_trace: rd hashes the file */
};

struct worker {
	struct many *m;
	unsigned int id;
	pthread_t thread;
	struct replay_ctx **ctx;	/* [nr_jobs], this worker's runs (others NULL) */
};

static void feed_batch(struct replay_ctx *c, const struct many_slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!replay_ctx_feed(c, &s->ev[i], i + 1 == s->n ? s->frac : NAN))
			return;
}

/* Wait for batch @b, or return false at the end of the trace. */
static bool batch_wait(struct many *m, uint64_t b)
{
	bool have;

	pthread_mutex_lock(&m->lock);
	while (m->produced <= b && !m->eof)
		pthread_cond_wait(&m->filled, &m->lock);
	have = m->produced > b;
	pthread_mutex_unlock(&m->lock);
	return have;
}

static void batch_done(struct many *m, struct many_slot *s)
{
	pthread_mutex_lock(&m->lock);
	if (!--s->readers)
		pthread_cond_signal(&m->drained);
	pthread_mutex_unlock(&m->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct many *m = w->m;

	for (size_t j = w->id; j < m->nr_jobs; j += m->stride) {
		struct replay_job *job = &m->jobs[j];

		job->ret = replay_ctx_open(&w->ctx[j], m->path, job->opts, job->sink,
					   job->sink_ctx, &job->res, &job->err, m->rd);
	}
	for (uint64_t b = 0; batch_wait(m, b); b++) {
		struct many_slot *s = &m->slots[b % MANY_SLOTS];

		for (size_t j = w->id; j < m->nr_jobs; j += m->stride)
			if (w->ctx[j])
				feed_batch(w->ctx[j], s);
		batch_done(m, s);
	}
	for (size_t j = w->id; j < m->nr_jobs; j += m->stride) {
		struct replay_job *job = &m->jobs[j];

		if (w->ctx[j] && m->abort)
			replay_ctx_stop(w->ctx[j]);
		if (w->ctx[j])
			job->ret = replay_ctx_finish(w->ctx[j], m->read_status, &job->res,
						     &job->err);
		w->ctx[j] = NULL;
	}
	return NULL;
}

/*
 * At the end of the reading, before the workers learn of it: the digest of
 * the file when a run asked for it, so that their replay_ctx_finish() calls
 * only read the digest the shared reader keeps (no worker hashes).
 */
static void hash_end(struct many *m)
{
	char hex[65];

	if (m->hashing)
		tracefmt_reader_file_sha256(m->rd, hex);
}

/* Decode the trace into the ring until its end; the workers consume. */
static void decode_all(struct many *m)
{
	int r = 1;

	for (uint64_t b = 0; r > 0; b++) {
		struct many_slot *s = &m->slots[b % MANY_SLOTS];
		const struct tracefmt_reader_stats *st;

		pthread_mutex_lock(&m->lock);
		while (s->readers)
			pthread_cond_wait(&m->drained, &m->lock);
		pthread_mutex_unlock(&m->lock);
		s->n = 0;
		while (s->n < MANY_BATCH && (r = tracefmt_reader_next(m->rd, &s->ev[s->n])) > 0)
			s->n++;
		st = tracefmt_reader_stats(m->rd);
		s->frac = st->file_size ? (double)st->intact_end / (double)st->file_size : 0;
		if (r <= 0)
			hash_end(m);
		pthread_mutex_lock(&m->lock);
		if (s->n) {
			s->readers = m->nr_workers;
			m->produced++;
		}
		if (r <= 0) {
			m->eof = true;
			m->read_status = r;
		}
		pthread_cond_broadcast(&m->filled);
		pthread_mutex_unlock(&m->lock);
	}
}

static int many_init(struct many *m, const char *path, struct replay_job *jobs, size_t nr_jobs,
		     unsigned int threads, struct bs_error *err)
{
	struct bs_error terr;

	memset(m, 0, sizeof(*m));
	m->path = path;
	m->jobs = jobs;
	m->nr_jobs = nr_jobs;
	m->nr_workers = threads < nr_jobs ? threads : (unsigned int)nr_jobs;
	if (!m->nr_workers)
		m->nr_workers = 1;
	m->stride = m->nr_workers;
	m->rd = tracefmt_reader_open(path, &terr);
	if (!m->rd) {
		int ret = errno ? -errno : -EIO;

		replay_err_set(err, "%s", terr.text);
		return ret;
	}
	for (size_t j = 0; j < nr_jobs; j++)
		m->hashing |= jobs[j].opts->hash_trace;
	if (m->hashing)
		tracefmt_reader_hash_file(m->rd);
	m->slots = calloc(MANY_SLOTS, sizeof(*m->slots));
	if (!m->slots) {
		tracefmt_reader_close(m->rd);
		return -ENOMEM;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->filled, NULL);
	pthread_cond_init(&m->drained, NULL);
	return 0;
}

static void many_release(struct many *m)
{
	pthread_cond_destroy(&m->filled);
	pthread_cond_destroy(&m->drained);
	pthread_mutex_destroy(&m->lock);
	free(m->slots);
	tracefmt_reader_close(m->rd);
}

int replay_run_many(const char *trace_path, struct replay_job *jobs, size_t nr_jobs,
		    unsigned int threads, struct bs_error *err)
{
	struct worker *w;
	struct many m;
	unsigned int started = 0;
	int ret;

	for (size_t j = 0; j < nr_jobs; j++) {
		memset(&jobs[j].res, 0, sizeof(jobs[j].res));
		jobs[j].err.text[0] = '\0';
		jobs[j].ret = -ECANCELED;
	}
	if (!nr_jobs)
		return 0;
	ret = many_init(&m, trace_path, jobs, nr_jobs, threads, err);
	if (ret)
		return ret;
	w = calloc(m.nr_workers, sizeof(*w));
	for (unsigned int i = 0; w && i < m.nr_workers; i++) {
		w[i].m = &m;
		w[i].id = i;
		w[i].ctx = calloc(nr_jobs, sizeof(*w[i].ctx));
		if (!w[i].ctx || pthread_create(&w[i].thread, NULL, worker_main, &w[i]))
			break;
		started++;
	}
	if (started < m.nr_workers) {
		/* the started workers see an empty trace and finish their runs */
		hash_end(&m);
		pthread_mutex_lock(&m.lock);
		m.nr_workers = started;
		m.eof = true;
		m.abort = true;
		pthread_cond_broadcast(&m.filled);
		pthread_mutex_unlock(&m.lock);
		ret = -ENOMEM;
		replay_err_set(err, "%s: could not start the replay threads", trace_path);
	} else {
		decode_all(&m);
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	for (unsigned int i = 0; w && i < m.stride; i++)
		free(w[i].ctx);
	free(w);
	many_release(&m);
	return ret;
}
