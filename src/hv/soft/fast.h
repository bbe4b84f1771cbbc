/* SPDX-License-Identifier: MIT */
/* Specialised handlers for the common forms (fast.c). */
#ifndef SAFEPC_HV_SOFT_FAST_H
#define SAFEPC_HV_SOFT_FAST_H

#include "hv/soft/decode.h"

/* Replaces in->fn by a size- and form-specific handler where one
 * exists (never for LOCK); `mode` is the mode it was decoded for (a
 * cached block runs only in that mode). */
void soft_fast_pick(struct soft_insn *in, enum soft_mode mode);

#endif
