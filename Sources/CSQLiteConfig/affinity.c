#define _GNU_SOURCE
#include <errno.h>
#include "csqlite_config.h"

#ifdef __linux__
#include <sched.h>

int showrunner_thread_cpus(int *cpus, int max) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -errno;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && count < max; cpu++) {
        if (CPU_ISSET(cpu, &set)) cpus[count++] = cpu;
    }
    return count;
}

int showrunner_set_thread_cpus(const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (count <= 0) return EINVAL;
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return EINVAL;
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : errno;
}

#else

// Elsewhere no thread is placed: no core is known, and none can be set.
int showrunner_thread_cpus(int *cpus, int max) { (void)cpus; (void)max; return 0; }
int showrunner_set_thread_cpus(const int *cpus, int count) { (void)cpus; (void)count; return ENOSYS; }

#endif
