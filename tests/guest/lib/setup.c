/* SPDX-License-Identifier: MIT */
/* lib_start: what runs between boot.S and main(). */
#include "guest.h"

void desc_init(void);
noreturn void lib_start(void);

noreturn void lib_start(void)
{
	serial_init();
	desc_init();
	if (!mb_valid())
		printf("WARNING: no multiboot magic; no command line\n");
	exit(main());
}
