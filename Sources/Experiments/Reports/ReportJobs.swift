/// A report's charts as independent jobs, so that a worker pool can build
/// them side by side: each job is a `@Sendable` closure over values (the
/// results, the grid points, the ranking) and the CSV cache, which locks; no
/// job reads or writes state another one writes. The report keeps the jobs'
/// order whatever order they finish in, so its bytes do not depend on the schedule.
extension ReportCharts {
    /// The report's charts of SPEC §7, in its order (the decision boundaries and
    /// frames are `pictures` jobs, one per pictured grid point).
    static func jobs(_ c: Context, cache: CSVCache) -> [@Sendable () -> ReportChart?] {
        [
            { lossCurves(c) }, { accuracyCurves(c) }, { learningRateCurves(c.results, c.points) }, { learningRate(c) },
            { gradientNorms(c) }, { unitStates(c) }, { regressionFit(c, cache: cache) }, { confusion(c, cache: cache) },
        ]
    }
}

extension Report {
    /// Runs a report's chart jobs and returns their results in the jobs' order
    /// (`serial`, or a worker pool's parallel map).
    public typealias ChartRunner = @Sendable ([@Sendable () -> ReportChart?]) -> [ReportChart?]

    /// One job after another, on the calling thread.
    public static let serial: ChartRunner = { jobs in jobs.map { $0() } }

    /// The jobs on `workers` threads of a `WorkerPool` (serial for one).
    public static func pool(_ workers: Int) -> ChartRunner {
        guard workers > 1 else { return serial }
        return { (jobs: [@Sendable () -> ReportChart?]) -> [ReportChart?] in
            WorkerPool.map(jobs.count, workers: workers) { (i: Int) -> ReportChart? in jobs[i]() }
        }
    }
}
