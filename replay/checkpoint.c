// SPDX-License-Identifier: MIT
/*
 * Checkpoints: the kernel's free counts per (order, migratetype) read during
 * the capture, compared with the model's at the same moment (shadow mode's
 * checkpoint distance). Closing a checkpoint also emits a sample in both modes.
 */
#include <math.h>

#include "reorder.h"
#include "replay_internal.h"

void replay_checkpoint_close(struct replay_ctx *c)
{
	double d;

	if (!c->ck_open)
		return;
	c->ck_open = false;
	replay_emit_samples(c, c->ck_ts);
	if (c->mode != REPLAY_SHADOW)
		return;
	if (c->ck_skip != CK_SCORED) {
		if (c->ck_skip == CK_BEFORE_START)
			c->ck_before_start++;
		else
			c->ck_of_start_state++;
		return;
	}
	d = c->ck_kernel > 0 ? c->ck_abs / c->ck_kernel : (c->ck_abs > 0 ? 1.0 : 0.0);
	if (!c->ck_count)
		c->ck_first = d;
	c->ck_count++;
	c->ck_last = d;
	c->ck_sum += d;
	if (d > c->ck_max)
		c->ck_max = d;
	if (c->sink && c->sink->fidelity)
		replay_sink_ok(c, c->sink->fidelity(c->sink_ctx, replay_rel_ns(c, c->ck_ts), d,
					     c->pred.n ? (double)c->pred.ok / (double)c->pred.n
						       : NAN));
	/* A checkpoint re-anchors nothing, but it ends a lost-event stretch. */
	c->uncertain = false;
}

/*
 * Only a checkpoint read after the start state was complete measures the
 * model: one taken before it (capture reads checkpoint 0 before the
 * snapshot walk), the snapshot's own counts and the checkpoint a start
 * state was laid out from would compare the model with its own input.
 */
static enum ck_kind checkpoint_kind(const struct replay_ctx *c, const struct tracefmt_event *ev)
{
	if (ev->u.checkpoint.seq == TRACEFMT_SNAPSHOT_CHECKPOINT_SEQ ||
	    (ev->u.checkpoint.flags & TRACEFMT_CKPT_SNAPSHOT))
		return CK_START_STATE;
	if (c->start.kind == START_CHECKPOINT && ev->u.checkpoint.seq == c->ps.ckpt_seq &&
	    ev->ts_ns == c->ps.ckpt_ts)
		return CK_START_STATE;
	if (ev->ts_ns < c->start_ts)
		return CK_BEFORE_START;
	return CK_SCORED;
}

void replay_checkpoint_add(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];
	int zone;
	unsigned int no, nmt;

	if (c->ck_open && c->ck_seq != ev->u.checkpoint.seq)
		replay_checkpoint_close(c);
	if (!c->ck_open) {
		c->ck_open = true;
		c->ck_seq = ev->u.checkpoint.seq;
		c->ck_ts = ev->ts_ns;
		c->ck_abs = c->ck_kernel = 0;
		c->ck_skip = checkpoint_kind(c, ev);
	}
	zone = replay_zone_by_name(c->m, ev->u.checkpoint.node, ev->u.checkpoint.zone);
	if (zone < 0) {
		c->ck_unmatched_zones++;
		return;
	}
	model_zone_free_blocks(c->m, (unsigned int)zone, fb);
	no = ev->u.checkpoint.nr_orders;
	nmt = ev->u.checkpoint.nr_mt;
	if (no > c->cfg->nr_page_orders)
		no = c->cfg->nr_page_orders;
	if (nmt > c->cfg->nr_migratetypes)
		nmt = c->cfg->nr_migratetypes;
	for (unsigned int o = 0; o < no; o++)
		for (unsigned int t = 0; t < nmt; t++) {
			double k = ev->u.checkpoint.free_blocks[o][t];
			double mv = (double)fb[o][t];

			/* pagetypeinfo stops counting at 100000 */
			if ((ev->u.checkpoint.flags & TRACEFMT_CKPT_CAPPED) && k >= 100000 &&
			    mv > k)
				mv = k;
			c->ck_abs += fabs(mv - k);
			c->ck_kernel += k;
		}
}
