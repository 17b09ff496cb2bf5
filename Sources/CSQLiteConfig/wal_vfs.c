// A VFS over the default one that hands a commit's WAL frames to the kernel in one write.
//
// SQLite writes each WAL frame as two writes, its 24-byte header and then its page, so a commit
// of 18 pages is 36 `pwrite`s, each of which straddles two pages of the file's cache. Here the
// writes to a WAL file that follow one another are gathered in memory and written together
// when the commit frame's page arrives (the frame whose header carries the database size,
// which SQLite writes last in a commit), so a commit costs one `pwrite`. That write's result is
// the commit frame's: an error fails the commit exactly as it would have. Everything SQLite
// reads, syncs, sizes or truncates of the file, and every write that does not follow the
// gathered ones, writes what is gathered first, so the file is always what SQLite wrote by the
// time anyone looks: other connections only read frames up to the last commit published in the
// shared index, and a commit is published after its frames are written.
//
// Every other file (the database, journals, temporary files) passes through untouched.

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "csqlite_config.h"

/// A file opened through this VFS: the real file follows this struct in the same allocation.
typedef struct GatherFile {
    sqlite3_file base;
    sqlite3_file *real;
    /// Writes gathered and not yet written (WAL files only).
    unsigned char *buffer;
    int capacity;
    int length;
    sqlite3_int64 offset;
    /// Whether this WAL file gathers at all: only when its device promises that a write
    /// changes no byte outside its range (SQLITE_IOCAP_POWERSAFE_OVERWRITE), so SQLite never
    /// pads a commit to a sector and never splits a frame around a sync.
    int gathers;
    /// The last gathered write was a frame's header (its page should follow at once), and
    /// whether that frame ends a commit.
    int headerLast;
    int commitHeaderLast;
    /// Writes SQLite asked of this file, and writes that reached it.
    int64_t asked;
    int64_t written;
    /// Writes still to fail, as a full disk would (`showrunner_wal_vfs_fail_writes`, for tests).
    int failWrites;
    /// Syncs still to fail once what is gathered is written, as a failed `fdatasync` would
    /// (`showrunner_wal_vfs_fail_syncs`, for tests).
    int failSyncs;
    /// Where the last read began: a frame header written where SQLite has just read is a
    /// checksum being rewritten, with no page to follow.
    sqlite3_int64 lastRead;
} GatherFile;

static sqlite3_vfs gatherVfs;
static sqlite3_vfs *realVfs;
static sqlite3_io_methods passMethods[4];
static sqlite3_io_methods walMethods;

/// The most a WAL file gathers before it writes (a larger transaction writes as it goes).
#define GATHER_MAX (4 * 1024 * 1024)
/// The most one write hands the real file.
#define WRITE_MAX (124 * 1024)
/// The sizes of a WAL file's header and of a frame's header (SQLite's WAL format).
#define WAL_HEADER 32
#define FRAME_HEADER 24

static volatile int64_t gatheredWrites = 0;
static volatile int64_t realWrites = 0;

#define REAL(f) (((GatherFile *)(f))->real)

/// One write to the real file, counted; failed as a full disk would while the file is told to.
static int realWrite(GatherFile *f, const void *data, int amount, sqlite3_int64 offset) {
    __atomic_add_fetch(&realWrites, 1, __ATOMIC_RELAXED);
    f->written++;
    if (f->failWrites > 0) {
        f->failWrites--;
        return SQLITE_FULL;
    }
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
}

/// Writes what is gathered (nothing: SQLITE_OK).
static int flushGathered(GatherFile *f) {
    if (f->length == 0) return SQLITE_OK;
    int rc = SQLITE_OK;
    // In pieces the unix VFS writes whole: it writes at most 0x1ffff bytes a call, and takes
    // a longer write's length modulo 0x20000 (a piece of exactly 128 KiB would write nothing).
    for (int done = 0; done < f->length && rc == SQLITE_OK; done += WRITE_MAX) {
        int piece = f->length - done < WRITE_MAX ? f->length - done : WRITE_MAX;
        rc = realWrite(f, f->buffer + done, piece, f->offset + done);
    }
    f->length = 0;
    f->headerLast = 0;
    f->commitHeaderLast = 0;
    return rc;
}

static int gatherClose(sqlite3_file *file) {
    GatherFile *f = (GatherFile *)file;
    int flushed = flushGathered(f);
    int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    free(f->buffer);
    f->buffer = NULL;
    return flushed != SQLITE_OK ? flushed : rc;
}

static int walRead(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    ((GatherFile *)file)->lastRead = offset;
    int rc = flushGathered((GatherFile *)file);
    if (rc != SQLITE_OK) return rc;
    return REAL(file)->pMethods->xRead(REAL(file), out, amount, offset);
}

/// Writes `data` now, after what is gathered.
static int writeNow(GatherFile *f, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flushGathered(f);
    if (rc != SQLITE_OK) return rc;
    return realWrite(f, data, amount, offset);
}

static int walWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    GatherFile *f = (GatherFile *)file;
    __atomic_add_fetch(&gatheredWrites, 1, __ATOMIC_RELAXED);
    f->asked++;
    int rewrite = offset == f->lastRead;
    f->lastRead = -1;
    // Gathered: whole frames appended one after another (a header, then at once its page),
    // and the WAL's own header before them. Anything else is written at once, after what is
    // gathered, in the order SQLite wrote it: a page not right after its header (SQLite
    // overwriting a frame of the transaction in place), a header where SQLite has just read
    // (a checksum rewritten after the commit frame, with no page to follow), a write that does
    // not follow the gathered ones.
    int follows = f->length == 0 || offset == f->offset + f->length;
    int walHeader = amount == WAL_HEADER && offset == 0 && f->length == 0;
    int frameHeader = amount == FRAME_HEADER && !f->headerLast && !rewrite;
    int page = amount > FRAME_HEADER && f->headerLast;
    if (!f->gathers || !follows || f->length + amount > GATHER_MAX || !(walHeader || frameHeader || page)) {
        return writeNow(f, data, amount, offset);
    }
    if (f->length + amount > f->capacity) {
        int capacity = f->capacity ? f->capacity : 128 * 1024;
        while (capacity < f->length + amount) capacity *= 2;
        unsigned char *grown = realloc(f->buffer, (size_t)capacity);
        if (!grown) return writeNow(f, data, amount, offset);
        f->buffer = grown;
        f->capacity = capacity;
    }
    if (f->length == 0) f->offset = offset;
    memcpy(f->buffer + f->length, data, (size_t)amount);
    f->length += amount;
    if (frameHeader) {
        // A frame's header names, in its bytes 4 to 7, the database's size in pages after the
        // commit when the frame ends one (zero otherwise).
        const unsigned char *h = data;
        f->headerLast = 1;
        f->commitHeaderLast = (h[4] | h[5] | h[6] | h[7]) != 0;
        return SQLITE_OK;
    }
    // The page after a commit frame's header ends the commit's frames: they are written now,
    // and this write answers with the result.
    int commit = page && f->commitHeaderLast;
    f->headerLast = 0;
    f->commitHeaderLast = 0;
    return commit ? flushGathered(f) : SQLITE_OK;
}

static int walTruncate(sqlite3_file *file, sqlite3_int64 size) {
    int rc = flushGathered((GatherFile *)file);
    if (rc != SQLITE_OK) return rc;
    return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int walSync(sqlite3_file *file, int flags) {
    GatherFile *f = (GatherFile *)file;
    int rc = flushGathered(f);
    if (rc != SQLITE_OK) return rc;
    if (f->failSyncs > 0) {
        f->failSyncs--;
        return SQLITE_IOERR_FSYNC;
    }
    return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int walFileSize(sqlite3_file *file, sqlite3_int64 *size) {
    int rc = flushGathered((GatherFile *)file);
    if (rc != SQLITE_OK) return rc;
    return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int walFileControl(sqlite3_file *file, int op, void *arg) {
    int rc = flushGathered((GatherFile *)file);
    if (rc != SQLITE_OK) return rc;
    return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}

static int walFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    int rc = flushGathered((GatherFile *)file);
    if (rc != SQLITE_OK) return rc;
    return REAL(file)->pMethods->xFetch(REAL(file), offset, amount, out);
}

static int passRead(sqlite3_file *f, void *out, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), out, n, o); }
static int passWrite(sqlite3_file *f, const void *d, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xWrite(REAL(f), d, n, o); }
static int passTruncate(sqlite3_file *f, sqlite3_int64 s) { return REAL(f)->pMethods->xTruncate(REAL(f), s); }
static int passSync(sqlite3_file *f, int flags) { return REAL(f)->pMethods->xSync(REAL(f), flags); }
static int passFileSize(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int passLock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int passUnlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int passCheckReservedLock(sqlite3_file *f, int *out) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out); }
static int passFileControl(sqlite3_file *f, int op, void *arg) { return REAL(f)->pMethods->xFileControl(REAL(f), op, arg); }
static int passSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int passDeviceCharacteristics(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int passShmMap(sqlite3_file *f, int i, int size, int extend, void volatile **out) {
    return REAL(f)->pMethods->xShmMap(REAL(f), i, size, extend, out);
}
static int passShmLock(sqlite3_file *f, int offset, int n, int flags) { return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags); }
static void passShmBarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int passShmUnmap(sqlite3_file *f, int deleteFlag) { return REAL(f)->pMethods->xShmUnmap(REAL(f), deleteFlag); }
static int passFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, out); }
static int passUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static int gatherOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    GatherFile *f = (GatherFile *)file;
    memset(f, 0, sizeof(GatherFile));
    f->real = (sqlite3_file *)(f + 1);
    f->lastRead = -1;
    int rc = realVfs->xOpen(realVfs, name, f->real, flags, outFlags);
    const sqlite3_io_methods *real = f->real->pMethods;
    if (rc != SQLITE_OK) {
        // SQLite calls xClose only when pMethods is set: the real file is closed here.
        if (real) real->xClose(f->real);
        f->base.pMethods = NULL;
        return rc;
    }
    if (real == NULL || real->iVersion < 1 || real->iVersion > 3) {
        if (real) real->xClose(f->real);
        f->base.pMethods = NULL;
        return SQLITE_CANTOPEN;
    }
    // The methods answer for the real file's version: one it lacks is never called.
    if ((flags & SQLITE_OPEN_WAL) && real->iVersion == 3) {
        f->base.pMethods = &walMethods;
        f->gathers = (real->xDeviceCharacteristics(f->real) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0;
    } else {
        f->base.pMethods = &passMethods[real->iVersion];
    }
    return SQLITE_OK;
}

static int gatherDelete(sqlite3_vfs *v, const char *name, int syncDir) { (void)v; return realVfs->xDelete(realVfs, name, syncDir); }
static int gatherAccess(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return realVfs->xAccess(realVfs, name, flags, out); }
static int gatherFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) {
    (void)v;
    return realVfs->xFullPathname(realVfs, name, n, out);
}
static void *gatherDlOpen(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xDlOpen(realVfs, name); }
static void gatherDlError(sqlite3_vfs *v, int n, char *out) { (void)v; realVfs->xDlError(realVfs, n, out); }
static void (*gatherDlSym(sqlite3_vfs *v, void *h, const char *sym))(void) { (void)v; return realVfs->xDlSym(realVfs, h, sym); }
static void gatherDlClose(sqlite3_vfs *v, void *h) { (void)v; realVfs->xDlClose(realVfs, h); }
static int gatherRandomness(sqlite3_vfs *v, int n, char *out) { (void)v; return realVfs->xRandomness(realVfs, n, out); }
static int gatherSleep(sqlite3_vfs *v, int micros) { (void)v; return realVfs->xSleep(realVfs, micros); }
static int gatherCurrentTime(sqlite3_vfs *v, double *out) { (void)v; return realVfs->xCurrentTime(realVfs, out); }
static int gatherGetLastError(sqlite3_vfs *v, int n, char *out) { (void)v; return realVfs->xGetLastError(realVfs, n, out); }
static int gatherCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return realVfs->xCurrentTimeInt64(realVfs, out); }
static int gatherSetSystemCall(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr p) {
    (void)v;
    return realVfs->xSetSystemCall(realVfs, name, p);
}
static sqlite3_syscall_ptr gatherGetSystemCall(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xGetSystemCall(realVfs, name); }
static const char *gatherNextSystemCall(sqlite3_vfs *v, const char *name) { (void)v; return realVfs->xNextSystemCall(realVfs, name); }

int showrunner_wal_vfs_register(void) {
    if (sqlite3_vfs_find(SHOWRUNNER_WAL_VFS)) return SQLITE_OK;
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    if (real == NULL) return SQLITE_ERROR;
    // Written against version 3 VFSes with version 3 files (the unix VFS's).
    if (real->iVersion < 3) return SQLITE_ERROR;
    realVfs = real;
    sqlite3_io_methods pass = (sqlite3_io_methods){
        .iVersion = 3, .xClose = gatherClose, .xRead = passRead, .xWrite = passWrite, .xTruncate = passTruncate, .xSync = passSync,
        .xFileSize = passFileSize, .xLock = passLock, .xUnlock = passUnlock, .xCheckReservedLock = passCheckReservedLock,
        .xFileControl = passFileControl, .xSectorSize = passSectorSize, .xDeviceCharacteristics = passDeviceCharacteristics,
        .xShmMap = passShmMap, .xShmLock = passShmLock, .xShmBarrier = passShmBarrier, .xShmUnmap = passShmUnmap,
        .xFetch = passFetch, .xUnfetch = passUnfetch,
    };
    for (int version = 1; version <= 3; version++) {
        passMethods[version] = pass;
        passMethods[version].iVersion = version;
    }
    walMethods = pass;
    walMethods.xRead = walRead;
    walMethods.xWrite = walWrite;
    walMethods.xTruncate = walTruncate;
    walMethods.xSync = walSync;
    walMethods.xFileSize = walFileSize;
    walMethods.xFileControl = walFileControl;
    walMethods.xFetch = walFetch;
    gatherVfs = (sqlite3_vfs){
        .iVersion = 3, .szOsFile = (int)sizeof(GatherFile) + real->szOsFile, .mxPathname = real->mxPathname,
        .zName = SHOWRUNNER_WAL_VFS, .xOpen = gatherOpen, .xDelete = gatherDelete, .xAccess = gatherAccess,
        .xFullPathname = gatherFullPathname, .xDlOpen = gatherDlOpen, .xDlError = gatherDlError, .xDlSym = gatherDlSym,
        .xDlClose = gatherDlClose, .xRandomness = gatherRandomness, .xSleep = gatherSleep, .xCurrentTime = gatherCurrentTime,
        .xGetLastError = gatherGetLastError, .xCurrentTimeInt64 = gatherCurrentTimeInt64, .xSetSystemCall = gatherSetSystemCall,
        .xGetSystemCall = gatherGetSystemCall, .xNextSystemCall = gatherNextSystemCall,
    };
    return sqlite3_vfs_register(&gatherVfs, 1);
}

void showrunner_wal_vfs_counts(int64_t *writes, int64_t *written) {
    *writes = __atomic_load_n(&gatheredWrites, __ATOMIC_RELAXED);
    *written = __atomic_load_n(&realWrites, __ATOMIC_RELAXED);
}

/// The connection's WAL file, when it is open through this VFS (SQLITE_NOTFOUND otherwise).
static int walFileOf(sqlite3 *db, GatherFile **out) {
    sqlite3_file *wal = NULL;
    int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
    if (rc != SQLITE_OK) return rc;
    if (wal == NULL || wal->pMethods != &walMethods) return SQLITE_NOTFOUND;
    *out = (GatherFile *)wal;
    return SQLITE_OK;
}

int showrunner_wal_vfs_file_counts(sqlite3 *db, int64_t *asked, int64_t *written) {
    GatherFile *wal = NULL;
    int rc = walFileOf(db, &wal);
    if (rc != SQLITE_OK) return rc;
    *asked = wal->asked;
    *written = wal->written;
    return SQLITE_OK;
}

int showrunner_wal_vfs_fail_syncs(sqlite3 *db, int count) {
    GatherFile *wal = NULL;
    int rc = walFileOf(db, &wal);
    if (rc == SQLITE_OK) wal->failSyncs = count;
    return rc;
}

int showrunner_wal_vfs_fail_writes(sqlite3 *db, int count) {
    GatherFile *wal = NULL;
    int rc = walFileOf(db, &wal);
    if (rc == SQLITE_OK) wal->failWrites = count;
    return rc;
}
