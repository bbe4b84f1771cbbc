/* SPDX-License-Identifier: MIT */
/* paging.c under the 64-bit kit: 4-level paging (see there). */
#include "paging.c"
