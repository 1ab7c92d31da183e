import Foundation

/// An experiment's grid: the sweep's axes in file order and the seeds. It
/// enumerates the grid points (the first axis varying slowest), resolves each
/// point's document, and names each run — the one place run names are made, for
/// `ExperimentLoader.load`'s runs and for the outline publishing reads.
struct ExperimentGrid: Sendable {
    /// The experiment as parsed.
    var document: JSONNode
    var axes: [SweepAxis]
    var seeds: [Int]
    /// The `run` marker of a run's config.json: that run's name, which its one run keeps.
    var run: String?

    /// Calls `body` with each grid point's choice of value per axis and the
    /// experiment with those values substituted (and no `sweep`).
    func forEachPoint(_ body: ([Int], JSONNode) -> Void) {
        var base = document
        if var members = base.value.members {
            members.removeAll { $0.key == "sweep" }
            base = JSONNode(.object(members), at: document.location)
        }
        var choice = Array(repeating: 0, count: axes.count)
        repeat {
            var resolved = base
            for (axisIndex, axis) in axes.enumerated() {
                let parts = axis.path.split(separator: ".").map(String.init)
                resolved = substitute(resolved, path: parts[...], with: axis.values[choice[axisIndex]], keyLocation: axis.keyLocation)
            }
            body(choice, resolved)
        } while advance(&choice)
    }

    /// A run's resolved experiment: the point's document with `seeds` its one seed.
    func runDocument(_ point: JSONNode, seed: Int) -> JSONNode {
        let seedsNode = JSONNode(.array([JSONNode(.number(Double(seed), literal: String(seed)), at: document.location)]),
                                 at: document.member("seeds")?.value.location ?? document.location)
        return substitute(point, path: ["seeds"], with: seedsNode, keyLocation: document.location)
    }

    /// Moves to the next grid point, the last axis fastest; false after the last.
    private func advance(_ choice: inout [Int]) -> Bool {
        var axis = axes.count - 1
        while axis >= 0 {
            choice[axis] += 1
            if choice[axis] < axes[axis].values.count { return true }
            choice[axis] = 0
            axis -= 1
        }
        return false
    }

    /// The run's folder name (see `runName`), or the `run` marker's.
    func runName(choice: [Int], seed: Int) -> String {
        run ?? Experiments.runName(axes: axes, choice: choice, seed: seed)
    }
}

/// A run's folder name: `learning_rate=0.01,activation=relu,seed=2` — each axis
/// by the last part of its path (the whole path where two axes share it), then
/// the seed (`data.seed` keeps its whole path). In a label, characters other
/// than letters, digits and `.+-_` become `_` (`folderText`), so that "," and
/// "=" only ever separate parts; a name longer than 120 characters is cut and
/// ends in "~" and a hash of the whole name.
///
/// Unique by construction: labels are unique within their axis as folder text
/// (`uniqueLabels`), the parts are in a fixed order, and seeds are distinct.
func runName(axes: [SweepAxis], choice: [Int], seed: Int) -> String {
    let lastParts = axes.map { $0.path.split(separator: ".").last.map(String.init) ?? $0.path }
    var parts: [String] = []
    for (axisIndex, axis) in axes.enumerated() {
        let shared = lastParts.filter { $0 == lastParts[axisIndex] }.count > 1 || lastParts[axisIndex] == "seed"
        parts.append("\(shared ? axis.path : lastParts[axisIndex])=\(folderText(axis.labels[choice[axisIndex]]))")
    }
    parts.append("seed=\(seed)")
    let name = parts.joined(separator: ",")
    guard name.count > 120 else { return name }
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
    for byte in name.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
    }
    return String(name.prefix(103)) + "~" + String(hash, radix: 16).leftPadded(to: 16)
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// A label as a run name shows it: letters, digits and `.+-_` kept, any other character `_`.
func folderText(_ label: String) -> String {
    String(label.unicodeScalars.map { scalar -> Character in
        let c = Character(scalar)
        return scalar.isASCII && (c.isLetter || c.isNumber || ".+-_".contains(c)) ? c : "_"
    })
}

/// The characters of run names: those of `folderText`, the separators "," and "=", and the hash's "~".
func isRunNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
    scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || ".,=+-_~".unicodeScalars.contains(scalar))
}
