import Foundation

/// The threads of `nnlab run`'s training and publishing: runs tasks
/// 0 ..< count on `workers` threads, each thread taking the next task in order
/// until none is left, `cancelled` says stop (Ctrl-C), or a task has failed;
/// then rethrows the first failure. A task that was started finishes (a
/// training task checks `cancelled` itself, between epochs).
///
/// Threads of its own rather than `DispatchQueue.concurrentPerform`: `--jobs`
/// sets the number of threads exactly (Dispatch's width is the core count),
/// workers stop taking tasks at once on cancellation or failure, and each
/// thread gets the main thread's 8 MiB stack (a secondary thread's default is
/// far smaller). With one worker, or one task, the tasks run on the caller's thread.
public enum WorkerPool {
    public static func run<Failure: Error>(tasks count: Int, workers: Int, cancelled: @escaping @Sendable () -> Bool = { false },
                                           _ body: @escaping @Sendable (Int) throws(Failure) -> Void) throws(Failure) {
        guard count > 0 else { return }
        let state = PoolState<Failure>()
        let threads = max(1, min(workers, count))
        let work: @Sendable () -> Void = {
            while let task = state.next(below: count), !cancelled() {
                do throws(Failure) {
                    try body(task)
                } catch {
                    state.fail(error)
                }
            }
        }
        if threads == 1 {
            work()
        } else {
            let group = DispatchGroup()
            for _ in 0 ..< threads {
                group.enter()
                let thread = Thread {
                    work()
                    group.leave()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            group.wait()
        }
        if let failure = state.failure { throw failure }
    }

    /// `transform` of 0 ..< count on `workers` threads, in order.
    public static func map<T: Sendable>(_ count: Int, workers: Int, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Slots<T>(count)
        run(tasks: count, workers: workers) { (i: Int) throws(Never) in results.set(i, transform(i)) }
        return results.values.map { $0! }
    }
}

/// The pool's shared counter and first failure.
private final class PoolState<Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextTask = 0
    private var firstFailure: Failure?

    /// The next task, or nil once all are taken or one failed.
    func next(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard firstFailure == nil, nextTask < count else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    func fail(_ error: Failure) {
        lock.lock()
        if firstFailure == nil { firstFailure = error }
        lock.unlock()
    }

    var failure: Failure? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }
}

/// Values filled in by index from several threads.
final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(_ count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
