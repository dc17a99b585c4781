/* SPDX-License-Identifier: MIT */
/*
 * The capture command's wiring of the flight recorder and bounded files
 * (capture/recorder.h, capture/RECORDER.md): the loop itself is the
 * library's; here are what prints and what signals.
 */
#ifndef BUDDYSCOPE_CLI_CAPTURE_REC_H
#define BUDDYSCOPE_CLI_CAPTURE_REC_H

#include "recorder.h"

/* recorder_opts.note: one line on stderr, "buddyscope capture: TEXT". */
void rec_note_print(void *ctx, const char *text);

/* capture --dump PID|PIDFILE: send SIGUSR1; returns the exit status. */
int rec_send_dump(const char *target);

#endif
