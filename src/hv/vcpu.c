/* SPDX-License-Identifier: MIT */
/*
 * vCPU threads, whatever the accelerator: start them, and hold them while
 * the domain is paused. Each thread runs the accelerator's loop.
 */
#include <signal.h>
#include <string.h>

#include "common/log.h"
#include "hv/accel.h"
#include "hv/hv.h"

static void vcpu_kick_handler(int sig)
{
	(void)sig; /* only interrupts a blocking call (KVM_RUN) */
}

/* vcpu_wait_unpaused - blocks the calling vCPU while the domain is paused. */
void vcpu_wait_unpaused(struct hv_vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	while (atomic_load(&vm->paused) && !atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
}

/* vcpu_start_all - starts one thread per vCPU. 0 or -errno. */
int vcpu_start_all(struct hv_vm *vm)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };
	sigset_t set, old;
	unsigned i;
	int r;

	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	/* Only vCPU threads take the kick signal (they unblock it). */
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	for (i = 0; i < vm->nr_vcpus; i++) {
		r = pthread_create(&vm->vcpus[i].thread, NULL,
				   vm->accel->vcpu_thread, &vm->vcpus[i]);
		if (r) {
			log_err("starting vCPU %u: %s", i, strerror(r));
			return -r;
		}
	}
	return 0;
}

/* vcpu_kick_all - makes every vCPU return to its loop soon. */
void vcpu_kick_all(struct hv_vm *vm)
{
	vm->accel->kick_all(vm);
}
