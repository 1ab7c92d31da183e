/// An HTML page's text as pieces: the small text between the charts gathered
/// in one buffer, each large piece (an inlined chart, up to hundreds of kB) kept
/// as the string it already is. A report's page is written piece after piece
/// (`ResultFiles.write(pieces:to:)`) instead of being copied into one string
/// of several MB first, which cost a copy, and the page faults of a fresh
/// buffer, per MB, at the end of publishing, when nothing else is left to run.
struct PageText {
    private var pieces: [Substring] = []
    private var pending = ""

    init(reservingCapacity capacity: Int = 0) {
        pending.reserveCapacity(capacity)
    }

    static func += (page: inout PageText, text: String) {
        page.pending += text
    }

    /// Appends `text` as a piece of its own, not copied.
    mutating func append(piece text: Substring) {
        if !pending.isEmpty {
            pieces.append(Substring(pending))
            pending = ""
        }
        pieces.append(text)
    }

    /// The pieces in order, the pending text last.
    var finished: [Substring] {
        pending.isEmpty ? pieces : pieces + [Substring(pending)]
    }

    /// The whole page as one string.
    var text: String {
        var text = ""
        let pieces = finished
        text.reserveCapacity(pieces.reduce(0) { $0 + $1.utf8.count })
        for piece in pieces { text += piece }
        return text
    }
}
