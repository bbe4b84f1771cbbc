/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/reaper.h"

int reaper_uid_in_use(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], line[128];
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		FILE *f;
		unsigned r, eu, su;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Uid: %u %u %u", &r, &eu, &su) == 3) {
				found = r == uid || su == uid;
				break;
			}
		fclose(f);
	}
	closedir(d);
	return found;
}

int reaper_kill_uid(uid_t target, uid_t reaper)
{
	int round;

	for (round = 0; round < 50; round++) {
		pid_t pid;
		int st;

		if (!reaper_uid_in_use(target))
			return 0;
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			if (setresuid(reaper, target, 0))
				_exit(2);
			kill(-1, SIGKILL);
			_exit(0);
		}
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) == 2)
			return -EPERM;
		usleep(2000 * (round + 1));
	}
	return reaper_uid_in_use(target) ? -EBUSY : 0;
}
