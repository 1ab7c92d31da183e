import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one child process cost, as the kernel accounts it.
struct ChildUsage {
    /// Exit status (0 … 255), or 128 + the signal that ended it.
    var status: Int32
    /// Wall seconds from just before `posix_spawn` to the return of `wait4`.
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    /// The child's peak resident set size (`ru_maxrss` of its own `wait4`), in bytes.
    var peakResidentBytes: Int
}

/// Runs `arguments[0]` (a path) with `arguments`, its standard input from
/// /dev/null and its standard output and error into `log`, and waits for it.
///
/// Spawned with `posix_spawn` and reaped with `wait4`, so that the resource
/// usage is this child's alone: `getrusage(RUSAGE_CHILDREN)`'s `ru_maxrss` is
/// the largest of every child reaped so far, and Foundation's `Process` reaps
/// its children itself and reports no usage.
func runChild(_ arguments: [String], log: String) -> ChildUsage? {
    #if canImport(Darwin)
    var actions: posix_spawn_file_actions_t? = nil
    #else
    var actions = posix_spawn_file_actions_t()
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }

    var pid: pid_t = 0
    let start = monotonicSeconds()
    guard posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { return nil }
    }
    let wall = monotonicSeconds() - start
    // The status word: the exit code in bits 8–15 when the low 7 bits are 0, else the signal.
    let signal = status & 0x7f
    let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
    #if canImport(Darwin)
    let peak = Int(usage.ru_maxrss)  // bytes on Darwin
    #else
    let peak = Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
    #endif
    return ChildUsage(status: code, wallSeconds: wall,
                      userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                      systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
                      peakResidentBytes: peak)
}

func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
