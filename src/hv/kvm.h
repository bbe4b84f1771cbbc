/* SPDX-License-Identifier: MIT */
/* Inside the KVM accelerator: kvm.c and its vCPU loop, kvm_vcpu.c. */
#ifndef SAFEPC_HV_KVM_H
#define SAFEPC_HV_KVM_H

struct hv_vm;

void *kvm_vcpu_thread(void *arg);
void kvm_kick_all(struct hv_vm *vm);

#endif
