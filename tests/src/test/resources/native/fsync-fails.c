/*
 * A disk that stops syncing, for the tests: preloaded into a Codd process (LD_PRELOAD), it makes
 * fsync and fdatasync fail with EIO on the audit log's segments (audit-*.jsonl) once the file
 * named by CODD_TEST_FSYNC_FAILS_WHEN exists. Every other call goes to the C library.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fails(int fd) {
    const char *trigger = getenv("CODD_TEST_FSYNC_FAILS_WHEN");
    if (trigger == NULL || access(trigger, F_OK) != 0) {
        return 0;
    }
    char link[64];
    char path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, sizeof path - 1);
    if (length < 0) {
        return 0;
    }
    path[length] = '\0';
    const char *name = strrchr(path, '/');
    return name != NULL && strncmp(name, "/audit-", 7) == 0 && strstr(name, ".jsonl") != NULL;
}

/* Fails like a disk that stopped syncing, or calls the C library's function of that name. */
static int sync_or_fail(int fd, const char *name) {
    if (fails(fd)) {
        errno = EIO;
        return -1;
    }
    int (*real)(int) = (int (*)(int)) dlsym(RTLD_NEXT, name);
    return real(fd);
}

int fsync(int fd) {
    return sync_or_fail(fd, "fsync");
}

int fdatasync(int fd) {
    return sync_or_fail(fd, "fdatasync");
}
