/* SPDX-License-Identifier: MIT */
/*
 * bench-soft-icount: how many instructions a function of a guest ELF
 * executes, for the MIPS figures of `scripts/bench soft`.
 *
 *   bench-soft-icount ELF SYMBOL N
 *
 * The guest kit links x86-64 code at fixed low addresses and wraps it in
 * an ELF32 container (tests/guest/README.md), and a function such as
 * bench_cpu's both() is plain user-mode code: loads, stores, arithmetic,
 * calls.  So a forked child maps every PT_LOAD segment at its own address,
 * stops, and calls SYMBOL(N) with the host's System V calling convention
 * (the guest's own: same compiler, same target); the parent single-steps
 * it with ptrace to the child's exit and prints the count of steps.  What
 * runs around the call (the return from raise(), _exit) is the same for
 * every N, so the difference of two counts is the function's own work.
 * No PMU needed (these hosts have none), no guest change.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ICOUNT_MAX_STEPS 4000000000ULL /* bounds a function that never ends */

struct icount_image {
	const uint8_t *data;
	size_t size;
};

/* Bounds-checked pointer to SIZE bytes at OFF of the image, or NULL. */
static const void *icount_at(const struct icount_image *im, uint64_t off,
			     uint64_t size)
{
	if (off > im->size || size > im->size - off)
		return NULL;
	return im->data + off;
}

/* The value of the ELF32 symbol NAME (first match in .symtab), or 0. */
static uint32_t icount_symbol(const struct icount_image *im, const char *name)
{
	const Elf32_Ehdr *eh = icount_at(im, 0, sizeof(*eh));
	const Elf32_Shdr *sh;
	unsigned i;

	if (!eh || eh->e_shentsize != sizeof(*sh))
		return 0;
	sh = icount_at(im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh));
	if (!sh)
		return 0;
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf32_Sym *sym;
		const char *str;
		uint32_t n, j;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		sym = icount_at(im, sh[i].sh_offset, sh[i].sh_size);
		str = icount_at(im, sh[sh[i].sh_link].sh_offset,
				sh[sh[i].sh_link].sh_size);
		if (!sym || !str)
			continue;
		n = sh[i].sh_size / sizeof(*sym);
		for (j = 0; j < n; j++) {
			uint32_t k = sym[j].st_name;

			if (k < sh[sh[i].sh_link].sh_size &&
			    strnlen(str + k, sh[sh[i].sh_link].sh_size - k) <
				    sh[sh[i].sh_link].sh_size - k &&
			    !strcmp(str + k, name) && sym[j].st_value)
				return sym[j].st_value;
		}
	}
	return 0;
}

/* Maps every PT_LOAD segment at its address (child only); 0 or -errno. */
static int icount_map(const struct icount_image *im)
{
	const Elf32_Ehdr *eh = icount_at(im, 0, sizeof(*eh));
	const Elf32_Phdr *ph;
	unsigned i;

	if (!eh || eh->e_phentsize != sizeof(*ph))
		return -EINVAL;
	ph = icount_at(im, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(*ph));
	if (!ph)
		return -EINVAL;
	for (i = 0; i < eh->e_phnum; i++) {
		uintptr_t lo, hi;
		const void *src;
		void *p;

		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz)
			return -EINVAL;
		src = icount_at(im, ph[i].p_offset, ph[i].p_filesz);
		if (!src)
			return -EINVAL;
		lo = ph[i].p_vaddr & ~(uintptr_t)4095;
		hi = ((uintptr_t)ph[i].p_vaddr + ph[i].p_memsz + 4095) &
		     ~(uintptr_t)4095;
		/* Segments may share a page: map what is not mapped yet. */
		p = mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED && errno != EEXIST)
			return -errno;
		if (p == MAP_FAILED) {
			for (uintptr_t a = lo; a < hi; a += 4096)
				if (mmap((void *)a, 4096,
					 PROT_READ | PROT_WRITE | PROT_EXEC,
					 MAP_PRIVATE | MAP_ANONYMOUS |
						 MAP_FIXED_NOREPLACE,
					 -1, 0) == MAP_FAILED &&
				    errno != EEXIST)
					return -errno;
		}
		memcpy((void *)(uintptr_t)ph[i].p_vaddr, src, ph[i].p_filesz);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct icount_image im;
	unsigned long long steps = 0;
	unsigned long n;
	uint32_t fn;
	struct stat st;
	int fd, status;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-soft-icount ELF SYMBOL N\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 0);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[1]);
		return 1;
	}
	im.size = (size_t)st.st_size;
	im.data = mmap(NULL, im.size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (im.data == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fn = icount_symbol(&im, argv[2]);
	if (!fn) {
		fprintf(stderr, "bench-soft-icount: no symbol %s in %s\n",
			argv[2], argv[1]);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		unsigned long (*f)(unsigned long);
		int err = icount_map(&im);

		if (err) {
			fprintf(stderr, "bench-soft-icount: mapping %s: %s\n",
				argv[1], strerror(-err));
			_exit(3);
		}
		f = (unsigned long (*)(unsigned long))(uintptr_t)fn;
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(4);
		raise(SIGSTOP);
		f(n);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		fprintf(stderr, "bench-soft-icount: the child did not stop "
			"(status 0x%x)\n", status);
		return 1;
	}
	for (;;) {
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0) {
			perror("PTRACE_SINGLESTEP");
			return 1;
		}
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP) {
			fprintf(stderr, "bench-soft-icount: the child got "
				"signal %d after %llu instructions\n",
				WSTOPSIG(status), steps);
			kill(pid, SIGKILL);
			return 1;
		}
		if (++steps > ICOUNT_MAX_STEPS) {
			kill(pid, SIGKILL);
			fprintf(stderr, "bench-soft-icount: no end\n");
			return 1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench-soft-icount: the child failed "
			"(status 0x%x)\n", status);
		return 1;
	}
	printf("%llu\n", steps);
	return 0;
}
