/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 information (flags, command line, memory map, modules).
 * The info block is wherever the loader put it below 4 GiB; all of that is
 * identity-mapped.  Everything is bounds-checked against the lengths given,
 * and absent fields read as empty.
 */
#include "guest.h"

#define MB_BOOT_MAGIC 0x2BADB002

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB, flag bit 0 */
	uint32_t boot_device;
	uint32_t cmdline;		/* bit 2 */
	uint32_t mods_count, mods_addr; /* bit 3 */
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr; /* bit 6 */
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

struct mb_mod {
	uint32_t start, end, string, reserved;
};

extern uint32_t mb_magic, mb_info;

static const struct mb_info *info(void)
{
	if (mb_magic != MB_BOOT_MAGIC || !mb_info)
		return NULL;
	return (const struct mb_info *)(uintptr_t)mb_info;
}

bool mb_valid(void)
{
	return info() != NULL;
}

const char *mb_cmdline(void)
{
	const struct mb_info *mi = info();

	if (!mi || !(mi->flags & (1 << 2)) || !mi->cmdline)
		return "";
	return (const char *)(uintptr_t)mi->cmdline;
}

unsigned mb_mmap(struct mb_region *out, unsigned max)
{
	const struct mb_info *mi = info();
	uint32_t off = 0;
	unsigned n = 0;

	if (!mi || !(mi->flags & (1 << 6)))
		return 0;
	while (off + sizeof(struct mb_mmap_entry) <= mi->mmap_length &&
	       n < max) {
		const struct mb_mmap_entry *e =
			(const void *)(uintptr_t)(mi->mmap_addr + off);

		if (e->size < 20)
			break; /* malformed: would not advance sensibly */
		out[n].base = e->base;
		out[n].len = e->len;
		out[n].type = e->type;
		n++;
		off += e->size + 4;
	}
	return n;
}

unsigned mb_modules(struct mb_module *out, unsigned max)
{
	const struct mb_info *mi = info();
	const struct mb_mod *m;
	unsigned n;

	if (!mi || !(mi->flags & (1 << 3)))
		return 0;
	m = (const struct mb_mod *)(uintptr_t)mi->mods_addr;
	for (n = 0; n < mi->mods_count && n < max; n++) {
		out[n].start = m[n].start;
		out[n].end = m[n].end;
		out[n].string = m[n].string ? (const char *)(uintptr_t)m[n].string
					    : "";
	}
	return n;
}

uint64_t mb_ram_bytes(void)
{
	const struct mb_info *mi = info();
	struct mb_region r[32];
	unsigned n = mb_mmap(r, ARRAY_SIZE(r));
	uint64_t total = 0;

	for (unsigned i = 0; i < n; i++)
		if (r[i].type == 1)
			total += r[i].len;
	if (!n && mi && (mi->flags & 1))
		total = ((uint64_t)mi->mem_lower + mi->mem_upper) * 1024;
	return total;
}

/*
 * Finds the whitespace-separated word starting with `key` followed by
 * `term` ('\0' for the whole word, '=' for key=value); returns what follows
 * `key` or NULL.
 */
static const char *find_word(const char *key, char term)
{
	const char *p = mb_cmdline();
	size_t n = strlen(key);

	while (*p) {
		const char *w;

		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if ((size_t)(p - w) >= n && !strncmp(w, key, n)) {
			char after = w[n];

			if (term == '\0' && (after == '\0' || after == ' ' ||
					     after == '\t'))
				return w + n;
			if (term != '\0' && after == term)
				return w + n + 1;
		}
	}
	return NULL;
}

bool cmdline_has(const char *word)
{
	return find_word(word, '\0') != NULL;
}

unsigned long cmdline_ulong(const char *key, unsigned long def)
{
	const char *v = find_word(key, '=');
	const char *end;
	unsigned long x;

	if (!v)
		return def;
	x = strtoul(v, &end, 0);
	return end == v ? def : x;
}
