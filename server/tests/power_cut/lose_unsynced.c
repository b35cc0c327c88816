/* A power cut for processes, preloaded with LD_PRELOAD: it keeps, in a shadow folder,
 * what a disk would hold after a power cut for every file under the watched folder,
 * that is the bytes a process had made durable with fsync or fdatasync, and nothing
 * written since. The power-cut test kills the processes, then puts the shadow's bytes
 * back over the folder's files (a file never synced comes back empty), the way a page
 * cache that was never written back is lost.
 *
 * The model (as LazyFS's "clear cache" fault): file data is durable only once synced;
 * names (create, rename, unlink) are durable at once. Writes that would bypass the
 * model (O_SYNC, O_DSYNC, O_DIRECT, hard links under the folder) stop the process with
 * a message rather than be modelled wrongly.
 *
 * POWER_CUT_DIR: the watched folder (an absolute path without symbolic links).
 * POWER_CUT_SHADOW: the shadow folder (created and filled by the test beforehand).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *watched(void) { return getenv("POWER_CUT_DIR"); }
static const char *shadow(void) { return getenv("POWER_CUT_SHADOW"); }

static void *real(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "power-cut shim: no %s\n", name);
        abort();
    }
    return f;
}

static void die(const char *what, const char *path) {
    fprintf(stderr, "power-cut shim: %s: %s (%s)\n", what, path, strerror(errno));
    abort();
}

/* The part of `abs` under the watched folder ("" for the folder itself), or NULL. */
static const char *relative(const char *abs) {
    const char *dir = watched();
    if (!dir || !shadow()) return NULL;
    size_t n = strlen(dir);
    if (strncmp(abs, dir, n) != 0) return NULL;
    if (abs[n] == '/') return abs + n + 1;
    if (abs[n] == '\0') return abs + n;
    return NULL;
}

/* The absolute path `path` names, relative to `dirfd` (or the working folder). */
static int absolute(int dirfd, const char *path, char *out) {
    if (path[0] == '/') return snprintf(out, PATH_MAX, "%s", path) < PATH_MAX;
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) return 0;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t len = readlink(link, base, sizeof base - 1);
        if (len < 0) return 0;
        base[len] = '\0';
    }
    return snprintf(out, PATH_MAX, "%s/%s", base, path) < PATH_MAX;
}

/* The absolute path of an open descriptor. */
static int fd_path(int fd, char *out) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, out, PATH_MAX - 1);
    if (len < 0) return 0;
    out[len] = '\0';
    return 1;
}

/* Serializes shadow updates across every process of the test. */
static int lock_shadow(void) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/.lock", shadow());
    int (*open_)(const char *, int, ...) = real("open");
    int fd = open_(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) die("lock", path);
    if (flock(fd, LOCK_EX) != 0) die("lock", path);
    return fd;
}

static void unlock_shadow(int fd) {
    int (*close_)(int) = real("close");
    close_(fd);
}

static void make_parents(char *path) {
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
}

/* Makes the shadow of the file at `abs` (path `rel` under the folder) its bytes now. The
 * file is opened anew for reading: the synced descriptor may be write-only. */
static void keep(const char *abs, const char *rel) {
    int (*open_)(const char *, int, ...) = real("open");
    int (*close_)(int) = real("close");
    int fd = open_(abs, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close_(fd);
        return;
    }
    int lock = lock_shadow();
    char target[PATH_MAX], tmp[PATH_MAX];
    snprintf(target, sizeof target, "%s/%s", shadow(), rel);
    snprintf(tmp, sizeof tmp, "%s/.tmp.%d", shadow(), (int)getpid());
    make_parents(target);
    int out = open_(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) die("shadow", tmp);
    char buf[1 << 16];
    off_t at = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n < 0) die("read for the shadow", rel);
        if (n == 0) break;
        if (write(out, buf, (size_t)n) != n) die("shadow write", tmp);
        at += n;
    }
    close_(out);
    close_(fd);
    int (*rename_)(const char *, const char *) = real("rename");
    if (rename_(tmp, target) != 0) die("shadow rename", target);
    unlock_shadow(lock);
}

static void keep_fd(int fd) {
    char abs[PATH_MAX];
    if (!fd_path(fd, abs)) return;
    const char *rel = relative(abs);
    if (rel && *rel) keep(abs, rel);
}

int fsync(int fd) {
    int (*f)(int) = real("fsync");
    int r = f(fd);
    if (r == 0) keep_fd(fd);
    return r;
}

int fdatasync(int fd) {
    int (*f)(int) = real("fdatasync");
    int r = f(fd);
    if (r == 0) keep_fd(fd);
    return r;
}

/* Every file under the watched folder, as after sync() or syncfs(). */
static void keep_tree(const char *abs) {
    DIR *dir = opendir(abs);
    if (!dir) return;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char child[PATH_MAX];
        snprintf(child, sizeof child, "%s/%s", abs, e->d_name);
        struct stat st;
        if (lstat(child, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            keep_tree(child);
        } else if (S_ISREG(st.st_mode)) {
            keep(child, relative(child));
        }
    }
    closedir(dir);
}

void sync(void) {
    void (*f)(void) = real("sync");
    f();
    if (watched() && shadow()) keep_tree(watched());
}

int syncfs(int fd) {
    int (*f)(int) = real("syncfs");
    int r = f(fd);
    if (r == 0 && watched() && shadow()) keep_tree(watched());
    return r;
}

/* Refuses writes the model cannot follow on a file under the folder just opened. */
static int checked_open(int fd, int flags) {
    if (fd < 0 || !(flags & (O_SYNC | O_DSYNC | O_DIRECT))) return fd;
    char abs[PATH_MAX];
    if (fd_path(fd, abs) && relative(abs)) {
        errno = 0;
        die("synchronous or direct writes are not modelled", abs);
    }
    return fd;
}

#define OPEN_MODE(flags, mode)                                        \
    mode_t mode = 0;                                                  \
    if ((flags) & (O_CREAT | O_TMPFILE)) {                            \
        va_list ap;                                                   \
        va_start(ap, flags);                                          \
        mode = va_arg(ap, mode_t);                                    \
        va_end(ap);                                                   \
    }

int open(const char *path, int flags, ...) {
    OPEN_MODE(flags, mode);
    int (*f)(const char *, int, ...) = real("open");
    return checked_open(f(path, flags, mode), flags);
}

int open64(const char *path, int flags, ...) {
    OPEN_MODE(flags, mode);
    int (*f)(const char *, int, ...) = real("open64");
    return checked_open(f(path, flags, mode), flags);
}

int openat(int dirfd, const char *path, int flags, ...) {
    OPEN_MODE(flags, mode);
    int (*f)(int, const char *, int, ...) = real("openat");
    return checked_open(f(dirfd, path, flags, mode), flags);
}

int openat64(int dirfd, const char *path, int flags, ...) {
    OPEN_MODE(flags, mode);
    int (*f)(int, const char *, int, ...) = real("openat64");
    return checked_open(f(dirfd, path, flags, mode), flags);
}

/* A name moved under the folder: its synced bytes move with it; the name it replaced
 * now holds a file none of whose bytes were synced under that name. */
static void moved(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    char from[PATH_MAX], to[PATH_MAX];
    if (!absolute(olddirfd, oldpath, from) || !absolute(newdirfd, newpath, to)) return;
    const char *rel_from = relative(from), *rel_to = relative(to);
    if (!rel_to) return;
    int lock = lock_shadow();
    char shadow_from[PATH_MAX], shadow_to[PATH_MAX];
    snprintf(shadow_to, sizeof shadow_to, "%s/%s", shadow(), rel_to);
    int (*rename_)(const char *, const char *) = real("rename");
    int (*unlink_)(const char *) = real("unlink");
    int kept = 0;
    if (rel_from) {
        snprintf(shadow_from, sizeof shadow_from, "%s/%s", shadow(), rel_from);
        make_parents(shadow_to);
        kept = rename_(shadow_from, shadow_to) == 0;
    }
    if (!kept) unlink_(shadow_to);
    unlock_shadow(lock);
}

int rename(const char *oldpath, const char *newpath) {
    int (*f)(const char *, const char *) = real("rename");
    int r = f(oldpath, newpath);
    if (r == 0) moved(AT_FDCWD, oldpath, AT_FDCWD, newpath);
    return r;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
    int (*f)(int, const char *, int, const char *) = real("renameat");
    int r = f(olddirfd, oldpath, newdirfd, newpath);
    if (r == 0) moved(olddirfd, oldpath, newdirfd, newpath);
    return r;
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags) {
    int (*f)(int, const char *, int, const char *, unsigned int) = real("renameat2");
    int r = f(olddirfd, oldpath, newdirfd, newpath, flags);
    if (r == 0) {
        if (flags & RENAME_EXCHANGE) {
            errno = 0;
            die("exchanging names is not modelled", newpath);
        }
        moved(olddirfd, oldpath, newdirfd, newpath);
    }
    return r;
}

/* A name removed under the folder takes its synced bytes with it. */
static void removed(int dirfd, const char *path) {
    char abs[PATH_MAX];
    if (!absolute(dirfd, path, abs)) return;
    const char *rel = relative(abs);
    if (!rel || !*rel) return;
    int lock = lock_shadow();
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s/%s", shadow(), rel);
    int (*unlink_)(const char *) = real("unlink");
    if (unlink_(target) != 0) rmdir(target);
    unlock_shadow(lock);
}

int unlink(const char *path) {
    int (*f)(const char *) = real("unlink");
    int r = f(path);
    if (r == 0) removed(AT_FDCWD, path);
    return r;
}

int unlinkat(int dirfd, const char *path, int flags) {
    int (*f)(int, const char *, int) = real("unlinkat");
    int r = f(dirfd, path, flags);
    if (r == 0) removed(dirfd, path);
    return r;
}

static void no_links(int dirfd, const char *path) {
    char abs[PATH_MAX];
    if (absolute(dirfd, path, abs) && relative(abs)) {
        errno = 0;
        die("hard links are not modelled", abs);
    }
}

int link(const char *oldpath, const char *newpath) {
    no_links(AT_FDCWD, newpath);
    int (*f)(const char *, const char *) = real("link");
    return f(oldpath, newpath);
}

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags) {
    no_links(newdirfd, newpath);
    int (*f)(int, const char *, int, const char *, int) = real("linkat");
    return f(olddirfd, oldpath, newdirfd, newpath, flags);
}
