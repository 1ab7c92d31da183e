import Foundation

/// The second stage's threads: runs tasks 0 ..< count on `workers` threads,
/// each thread taking the next task in order until none is left, `cancelled`
/// says stop (Ctrl-C), or a task has failed; then rethrows the first failure.
/// A task that was started finishes (it checks `cancelled` itself, between epochs).
///
/// Threads of its own rather than `DispatchQueue.concurrentPerform`: `--jobs`
/// sets the number of threads exactly (Dispatch's width is the core count),
/// workers stop taking tasks at once on cancellation or failure, and each
/// thread gets the main thread's 8 MiB stack (a secondary thread's default is
/// far smaller).
public enum WorkerPool {
    public static func run(tasks count: Int, workers: Int, cancelled: @escaping @Sendable () -> Bool,
                           _ body: @escaping @Sendable (Int) throws(WriteError) -> Void) throws(WriteError) {
        guard count > 0 else { return }
        let state = PoolState()
        let group = DispatchGroup()
        for _ in 0 ..< max(1, min(workers, count)) {
            group.enter()
            let thread = Thread {
                while let task = state.next(below: count), !cancelled() {
                    do throws(WriteError) {
                        try body(task)
                    } catch {
                        state.fail(error)
                    }
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let failure = state.failure { throw failure }
    }
}

/// The pool's shared counter and first failure.
private final class PoolState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextTask = 0
    private var firstFailure: WriteError?

    /// The next task, or nil once all are taken or one failed.
    func next(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard firstFailure == nil, nextTask < count else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    func fail(_ error: WriteError) {
        lock.lock()
        if firstFailure == nil { firstFailure = error }
        lock.unlock()
    }

    var failure: WriteError? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }
}
