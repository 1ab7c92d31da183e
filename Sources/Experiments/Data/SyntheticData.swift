import Foundation
import NeuralNetwork

/// The synthetic sources of SPEC §3.1: xor, moons, circles, spirals, blobs, sine.
///
/// Every generator builds its own `Generator(seed: seed)` and draws from it in
/// the order its doc comment states; that order is part of the contract, so a
/// seed gives the same data in every version. The common pattern:
///
/// 1. the clean points, in a canonical order (sorted by class for the
///    geometric sets);
/// 2. for moons, circles, spirals and blobs, a shuffle of the rows: p = the
///    indices 0 ..< n shuffled by `Generator.shuffle` (Fisher–Yates from the
///    last element down), and row i of the result is canonical row p[i];
/// 3. the noise, row by row in the final order, x₁'s draw before x₂'s. When
///    `noise` is 0 no noise is drawn (for xor, moons, circles, spirals and
///    sine) and the clean points are returned exactly.
///
/// Validation (samples ≥ 1, noise ≥ 0, …) belongs to the experiment reader;
/// here a bad parameter stops with a precondition.
///
/// Geometry uses Foundation's `sin` and `cos`, so coordinates are not
/// promised bit-identical across platform math libraries (the random draws
/// are).
public enum SyntheticData {
    // MARK: xor

    /// The xor data set.
    ///
    /// Without `samples`: the four corners of {0,1}², label x₁ XOR x₂, in the
    /// order (0,0), (0,1), (1,0), (1,1) — labels 0, 1, 1, 0.
    ///
    /// With `samples`: for each row, x₁ then x₂ uniform in [−1, 1)
    /// (`nextUniform(in: -1, 1)`); label 1 where x₁·x₂ > 0 on this clean
    /// point, else 0. No shuffle (the points are already random).
    ///
    /// Either way, then Gaussian noise of std `noise` is added to every
    /// coordinate, row by row, x₁ before x₂ (`noise · nextNormal()`).
    /// Classes "0" and "1"; features x1, x2.
    public static func xor(samples: Int?, noise: Double, seed: Int) -> Dataset {
        checkNoise(noise)
        var generator = Generator(seed: seed)
        var points: [[Double]]
        var labels: [Int]
        if let samples {
            checkSamples(samples)
            points = []
            labels = []
            points.reserveCapacity(samples)
            labels.reserveCapacity(samples)
            for _ in 0 ..< samples {
                let x1 = generator.nextUniform(in: -1, 1)
                let x2 = generator.nextUniform(in: -1, 1)
                points.append([x1, x2])
                labels.append(x1 * x2 > 0 ? 1 : 0)
            }
        } else {
            points = [[0, 0], [0, 1], [1, 0], [1, 1]]
            labels = [0, 1, 1, 0]
        }
        addGaussianNoise(noise, to: &points, using: &generator)
        return twoClassDataset(points, labels)
    }

    // MARK: moons

    /// Two interleaving half circles, as scikit-learn's `make_moons`.
    ///
    /// n_out = ⌊samples / 2⌋ points of class 0 on the outer moon,
    /// (cos t, sin t) for t = linspace(0, π, n_out); n_in = samples − n_out
    /// points of class 1 on the inner moon, (1 − cos t, 1 − sin t − 0.5) for
    /// t = linspace(0, π, n_in). `linspace` is NumPy's (start + i·step, the
    /// last point exactly the end). Then, as make_moons with its default
    /// `shuffle=True`, the rows are shuffled (so the data is not sorted by
    /// class), and Gaussian noise of std `noise` is added, row by row, x
    /// before y. The random streams differ from NumPy's, so the points equal
    /// make_moons's only at noise 0 and up to order.
    public static func moons(samples: Int, noise: Double, seed: Int) -> Dataset {
        checkSamples(samples)
        checkNoise(noise)
        let outerCount = samples / 2
        let innerCount = samples - outerCount
        var points: [[Double]] = []
        var labels: [Int] = []
        points.reserveCapacity(samples)
        labels.reserveCapacity(samples)
        for t in linspace(0, Double.pi, count: outerCount) {
            points.append([cos(t), sin(t)])
            labels.append(0)
        }
        for t in linspace(0, Double.pi, count: innerCount) {
            points.append([1 - cos(t), 1 - sin(t) - 0.5])
            labels.append(1)
        }
        var generator = Generator(seed: seed)
        shuffleRows(&points, &labels, using: &generator)
        addGaussianNoise(noise, to: &points, using: &generator)
        return twoClassDataset(points, labels)
    }

    // MARK: circles

    /// Two concentric circles, as scikit-learn's `make_circles`.
    ///
    /// n_out = ⌊samples / 2⌋ points of class 0 on the unit circle,
    /// (cos t, sin t) for t = linspace(0, 2π, n_out, endpoint: false) (that
    /// is, t = i·2π/n_out); n_in = samples − n_out points of class 1 on the
    /// circle of radius `factor`, (cos t · factor, sin t · factor) for
    /// t = linspace(0, 2π, n_in, endpoint: false). Then the rows are
    /// shuffled, and Gaussian noise of std `noise` is added, row by row, x
    /// before y.
    ///
    /// - Precondition: 0 ≤ `factor` < 1 (as make_circles).
    public static func circles(samples: Int, noise: Double, factor: Double = 0.5, seed: Int) -> Dataset {
        checkSamples(samples)
        checkNoise(noise)
        precondition(factor >= 0 && factor < 1, "circles needs 0 ≤ factor < 1, got \(factor)")
        let outerCount = samples / 2
        let innerCount = samples - outerCount
        var points: [[Double]] = []
        var labels: [Int] = []
        points.reserveCapacity(samples)
        labels.reserveCapacity(samples)
        for t in linspace(0, 2 * Double.pi, count: outerCount, endpoint: false) {
            points.append([cos(t), sin(t)])
            labels.append(0)
        }
        for t in linspace(0, 2 * Double.pi, count: innerCount, endpoint: false) {
            points.append([cos(t) * factor, sin(t) * factor])
            labels.append(1)
        }
        var generator = Generator(seed: seed)
        shuffleRows(&points, &labels, using: &generator)
        addGaussianNoise(noise, to: &points, using: &generator)
        return twoClassDataset(points, labels)
    }

    // MARK: spirals

    /// Two interleaved spiral arms, as TensorFlow Playground's
    /// `classifySpiralData`.
    ///
    /// With m = samples / 2 (a real number), point i of an arm is
    /// r = i / m · 5, t = 1.75 · i / m · 2π + δ, (x, y) = (r sin t, r cos t).
    /// The arm δ = 0 (the Playground's positive examples) is class 1 and has
    /// samples − ⌊samples / 2⌋ points; the arm δ = π is class 0 and has
    /// ⌊samples / 2⌋ points. For even samples this is the Playground's data
    /// exactly; for odd samples class 1's arm has one more point, continuing
    /// the same curve. The canonical order is class 1's arm, then class 0's.
    ///
    /// Then the rows are shuffled, and — as in the Playground, uniform rather
    /// than Gaussian — noise `noise · u` with u uniform in [−1, 1)
    /// (`nextUniform(in: -1, 1)`) is added, row by row, x before y. The arms
    /// reach radius 5, so the Playground's noise range 0 … 0.5 is mild.
    public static func spirals(samples: Int, noise: Double, seed: Int) -> Dataset {
        checkSamples(samples)
        checkNoise(noise)
        let m = Double(samples) / 2
        var points: [[Double]] = []
        var labels: [Int] = []
        points.reserveCapacity(samples)
        labels.reserveCapacity(samples)
        for (delta, label, armCount) in [(0.0, 1, samples - samples / 2), (Double.pi, 0, samples / 2)] {
            for i in 0 ..< armCount {
                let r = Double(i) / m * 5
                let t = 1.75 * Double(i) / m * 2 * Double.pi + delta
                points.append([r * sin(t), r * cos(t)])
                labels.append(label)
            }
        }
        var generator = Generator(seed: seed)
        shuffleRows(&points, &labels, using: &generator)
        if noise != 0 {
            for i in points.indices {
                for j in points[i].indices {
                    points[i][j] += noise * generator.nextUniform(in: -1, 1)
                }
            }
        }
        return twoClassDataset(points, labels)
    }

    // MARK: blobs

    /// Isotropic Gaussian clusters, as scikit-learn's `make_blobs` with
    /// `centers=classes` and its default `center_box=(-10, 10)`.
    ///
    /// Draw order:
    /// 1. the centers, class by class, each coordinate uniform in [−10, 10)
    ///    (`nextUniform(in: -10, 10)`);
    /// 2. ⌊samples / classes⌋ points per class, the first samples mod classes
    ///    classes one more (as make_blobs); class by class, row by row,
    ///    feature by feature: center + `noise · nextNormal()`. These draws
    ///    happen even when `noise` is 0, so the shuffle below sees the same
    ///    stream at every noise level;
    /// 3. the rows are shuffled.
    ///
    /// Classes "0" … "classes − 1"; features x1 … x`features`.
    public static func blobs(samples: Int, classes: Int = 3, features: Int = 2, noise: Double = 1, seed: Int) -> Dataset {
        checkSamples(samples)
        checkNoise(noise)
        precondition(classes >= 1, "blobs needs at least one class, got \(classes)")
        precondition(features >= 1, "blobs needs at least one feature, got \(features)")
        var generator = Generator(seed: seed)
        var centers: [[Double]] = []
        for _ in 0 ..< classes {
            centers.append((0 ..< features).map { _ in generator.nextUniform(in: -10, 10) })
        }
        var points: [[Double]] = []
        var labels: [Int] = []
        points.reserveCapacity(samples)
        labels.reserveCapacity(samples)
        for (label, center) in centers.enumerated() {
            let classCount = samples / classes + (label < samples % classes ? 1 : 0)
            for _ in 0 ..< classCount {
                points.append(center.map { $0 + noise * generator.nextNormal() })
                labels.append(label)
            }
        }
        shuffleRows(&points, &labels, using: &generator)
        return Dataset(inputs: Matrix(points), labels: labels,
                       classNames: (0 ..< classes).map(String.init),
                       featureNames: (0 ..< features).map { "x\($0 + 1)" })
    }

    // MARK: sine

    /// Regression 1 → 1: x uniform in [−π, π), y = sin x + N(0, noise²).
    ///
    /// Draw order: all x first (`nextUniform(in: -π, π)`, row by row), then
    /// one `noise · nextNormal()` per row for y (none when `noise` is 0).
    /// Feature x; target width 1.
    public static func sine(samples: Int, noise: Double, seed: Int) -> Dataset {
        checkSamples(samples)
        checkNoise(noise)
        var generator = Generator(seed: seed)
        var x = [Double](repeating: 0, count: samples)
        for i in 0 ..< samples {
            x[i] = generator.nextUniform(in: -Double.pi, Double.pi)
        }
        var y = x.map { sin($0) }
        if noise != 0 {
            for i in 0 ..< samples {
                y[i] += noise * generator.nextNormal()
            }
        }
        return Dataset(inputs: Matrix(rows: samples, columns: 1, elements: x),
                       targets: Matrix(rows: samples, columns: 1, elements: y),
                       featureNames: ["x"])
    }

    // MARK: - Helpers

    /// NumPy's `linspace`: `count` points start + i·step, with
    /// step = (end − start)/(count − 1) and the last point exactly `end` when
    /// `endpoint`, step = (end − start)/count otherwise. One point: [start].
    static func linspace(_ start: Double, _ end: Double, count: Int, endpoint: Bool = true) -> [Double] {
        guard count > 0 else { return [] }
        let divisions = endpoint ? count - 1 : count
        guard divisions > 0 else { return [start] }
        let step = (end - start) / Double(divisions)
        var values = (0 ..< count).map { Double($0) * step + start }
        if endpoint {
            values[count - 1] = end
        }
        return values
    }

    /// Row i becomes row p[i], p the Fisher–Yates shuffle of 0 ..< n.
    private static func shuffleRows(_ points: inout [[Double]], _ labels: inout [Int], using generator: inout Generator) {
        var order = Array(points.indices)
        generator.shuffle(&order)
        points = order.map { points[$0] }
        labels = order.map { labels[$0] }
    }

    /// Adds `noise · nextNormal()` to every coordinate, row by row; draws nothing when `noise` is 0.
    private static func addGaussianNoise(_ noise: Double, to points: inout [[Double]], using generator: inout Generator) {
        guard noise != 0 else { return }
        for i in points.indices {
            for j in points[i].indices {
                points[i][j] += noise * generator.nextNormal()
            }
        }
    }

    private static func twoClassDataset(_ points: [[Double]], _ labels: [Int]) -> Dataset {
        Dataset(inputs: Matrix(rows: points.count, columns: 2, elements: points.flatMap { $0 }),
                labels: labels, classNames: ["0", "1"], featureNames: ["x1", "x2"])
    }

    private static func checkSamples(_ samples: Int) {
        precondition(samples >= 1, "A synthetic data set needs at least one sample, got \(samples)")
    }

    private static func checkNoise(_ noise: Double) {
        precondition(noise >= 0 && noise.isFinite, "noise must be a finite number ≥ 0, got \(noise)")
    }
}
