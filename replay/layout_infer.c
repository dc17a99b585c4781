// SPDX-License-Identifier: MIT
/*
 * A trace whose header has no zones (text imported without --sysinfo)
 * replays on a layout inferred from its pfns (tracefmt_layout_infer(),
 * x86-64 zone limits): the zones go into the header object as if recorded,
 * and the summary says so (replay_summary_add_validation()).
 */
#include <errno.h>
#include <stdio.h>

#include "replay_internal.h"

int replay_zones_infer(const char *path, struct replay_header *h, unsigned int nr_page_orders,
		       struct bs_error *err)
{
	struct tracefmt_layout lay;
	struct bs_error terr = { 0 };
	json_t *zones;
	int rc = tracefmt_layout_infer(path, nr_page_orders, &lay, &terr);

	if (rc < 0) {
		replay_err_set(err, "%s: the trace header has no zones and none can be inferred (%s); "
			       "import the trace with --sysinfo DIR, where `buddyscope sysinfo save "
			       "DIR` on the traced host wrote its zones", path, terr.text);
		return rc;
	}
	zones = json_array();
	for (uint32_t i = 0; i < lay.nr_zones; i++)
		json_array_append_new(zones, json_pack("{sI ss sI sI sI sI}", "node", (json_int_t)0,
						       "name", lay.zones[i].name, "start_pfn",
						       (json_int_t)lay.zones[i].start_pfn, "spanned",
						       (json_int_t)lay.zones[i].spanned, "present",
						       (json_int_t)lay.zones[i].spanned, "managed",
						       (json_int_t)lay.zones[i].spanned));
	if (json_object_set_new(h->root, "zones", zones) < 0) {
		replay_err_set(err, "%s: no memory for the inferred zones", path);
		return -ENOMEM;
	}
	h->layout_inferred = true;
	h->inferred_min_pfn = lay.min_pfn;
	h->inferred_end_pfn = lay.end_pfn;
	return 0;
}
