#ifndef CSQLITE_CONFIG_H
#define CSQLITE_CONFIG_H

/// Sets SQLite's process-wide options, which only a call before its first connection can set
/// (`sqlite3_config` is variadic, so Swift cannot call it):
/// - multi-thread mode: a connection takes no mutex of its own on every call, because each is
///   used by one thread at a time (every connection here is one of GRDB's serialized ones);
/// - no memory statistics: no process-wide mutex around every allocation SQLite makes.
/// Returns SQLITE_OK (0), or SQLITE_MISUSE (21) when SQLite was already initialized: the
/// defaults (serialized, with statistics) then stay, which is as correct and a little slower.
/// The answer is the threading mode's: it is set last, so a connection opened in another
/// thread between the two settings (only the tests' shared process has one) may leave memory
/// statistics off and the connections serialized, never the other way round.
int showrunner_sqlite_configure(void);

#include <stdint.h>

/// The name of the VFS `showrunner_wal_vfs_register` adds.
#define SHOWRUNNER_WAL_VFS "showrunner-wal"

/// Registers, as SQLite's default VFS, one over the default that writes a commit's WAL frames
/// to the file in one write instead of two a frame (wal_vfs.c says how, and why it is safe);
/// every other file passes through to the default untouched. Idempotent. Returns SQLITE_OK, or
/// an error when the default VFS is not one it can wrap (older than version 3): SQLite's own
/// default then stays.
int showrunner_wal_vfs_register(void);

/// How many writes SQLite asked of WAL files through the VFS, and how many writes reached the
/// files, since the process began (for tests and benchmarks).
void showrunner_wal_vfs_counts(int64_t *asked, int64_t *written);

typedef struct sqlite3 sqlite3;

/// The same counts for the WAL file of one connection's main database (the connection must
/// not be in use on another thread). SQLITE_OK; SQLITE_NOTFOUND when the connection has no
/// WAL file open through the VFS.
int showrunner_wal_vfs_file_counts(sqlite3 *db, int64_t *asked, int64_t *written);

/// Makes the next `count` writes that reach this connection's WAL file fail as on a full disk
/// (SQLITE_FULL), for tests of what a failed commit leaves. SQLITE_OK, or SQLITE_NOTFOUND as above.
int showrunner_wal_vfs_fail_writes(sqlite3 *db, int count);

/// Makes the next `count` syncs of this connection's WAL file fail as a failed `fdatasync` would
/// (SQLITE_IOERR_FSYNC, with the frames written but not made durable), for tests of what a
/// commit whose sync fails leaves. SQLITE_OK, or SQLITE_NOTFOUND as above.
int showrunner_wal_vfs_fail_syncs(sqlite3 *db, int count);

/// The CPUs the calling thread may run on (Linux `sched_getaffinity`), lowest first, at most
/// `max` of them, into `cpus`: how many, or a negative errno. Beside SQLite's options because
/// the store's writer and its WAL sync are what it places (`CorePinning`).
int showrunner_thread_cpus(int *cpus, int max);

/// Lets the calling thread run on the `count` CPUs of `cpus` alone (`sched_setaffinity`):
/// 0, or an errno (EINVAL for a CPU out of range or none at all).
int showrunner_set_thread_cpus(const int *cpus, int count);

#endif
