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

	if (!c->ck.open)
		return;
	c->ck.open = false;
	replay_emit_samples(c, c->ck.ts);
	if (c->mode != REPLAY_SHADOW)
		return;
	if (c->ck.kind != CK_SCORED) {
		if (c->ck.kind == CK_BEFORE_START)
			c->ck.before_start++;
		else
			c->ck.of_start_state++;
		return;
	}
	d = c->ck.kernel_blocks > 0 ? c->ck.abs_diff_blocks / c->ck.kernel_blocks : (c->ck.abs_diff_blocks > 0 ? 1.0 : 0.0);
	if (!c->ck.count)
		c->ck.first = d;
	c->ck.count++;
	c->ck.last = d;
	c->ck.sum += d;
	if (d > c->ck.max)
		c->ck.max = d;
	if (c->sink && c->sink->fidelity)
		replay_sink_ok(c, c->sink->fidelity(c->sink_ctx, replay_rel_ns(c, c->ck.ts), d,
					     c->shadow.pred.n ? (double)c->shadow.pred.ok / (double)c->shadow.pred.n
						       : NAN));
	/* A checkpoint re-anchors nothing, but it ends a lost-event stretch. */
	c->count.uncertain = false;
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
	if (ev->ts_ns < c->clock.start_ts)
		return CK_BEFORE_START;
	return CK_SCORED;
}

void replay_checkpoint_add(struct replay_ctx *c, const struct tracefmt_event *ev)
{
	uint64_t fb[MODEL_MAX_ORDERS][MODEL_MAX_MIGRATETYPES];
	int zone;
	unsigned int no, nmt;

	if (c->ck.open && c->ck.seq != ev->u.checkpoint.seq)
		replay_checkpoint_close(c);
	if (!c->ck.open) {
		c->ck.open = true;
		c->ck.seq = ev->u.checkpoint.seq;
		c->ck.ts = ev->ts_ns;
		c->ck.abs_diff_blocks = c->ck.kernel_blocks = 0;
		c->ck.kind = checkpoint_kind(c, ev);
	}
	zone = replay_zone_by_name(c->m, ev->u.checkpoint.node, ev->u.checkpoint.zone);
	if (zone < 0) {
		c->ck.unmatched_zones++;
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
			c->ck.abs_diff_blocks += fabs(mv - k);
			c->ck.kernel_blocks += k;
		}
}
