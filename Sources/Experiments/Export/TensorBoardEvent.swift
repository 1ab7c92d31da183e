/// The TensorBoard messages nnlab writes, each a protobuf `ProtobufMessage`
/// with the field numbers of tensorboard/compat/proto (event.proto,
/// summary.proto, tensor.proto) and tensorboard/plugins/hparams
/// (plugin_data.proto, api.proto). Only the fields nnlab needs are here.
enum TensorBoardEvent {
    /// `Event` {wall_time = 1, step = 2, file_version = 3 | summary = 5}: the
    /// file's first event names its format, "brain.Event:2".
    static func fileVersion(wallTime: Double = 0) -> ProtobufMessage {
        var event = header(wallTime: wallTime, step: 0)
        event.string(3, "brain.Event:2")
        return event
    }

    /// An `Event` holding a `Summary` {value = 1 (repeated)} of the given values.
    static func summary(wallTime: Double, step: Int, _ values: [ProtobufMessage]) -> ProtobufMessage {
        var summary = ProtobufMessage()
        for value in values { summary.message(1, value) }
        var event = header(wallTime: wallTime, step: step)
        event.message(5, summary)
        return event
    }

    private static func header(wallTime: Double, step: Int) -> ProtobufMessage {
        var event = ProtobufMessage()
        if wallTime.bitPattern != 0 { event.double(1, wallTime) }
        if step != 0 { event.varint(2, Int64(step)) }
        return event
    }

    /// `Summary.Value` {tag = 1, simple_value = 2}: a scalar, as a float32.
    static func scalar(tag: String, _ x: Float) -> ProtobufMessage {
        var value = ProtobufMessage()
        value.string(1, tag)
        value.float(2, x)
        return value
    }

    /// `Summary.Value` {tag = 1, histo = 5} of a `HistogramProto` {min = 1,
    /// max = 2, num = 3, sum = 4, sum_squares = 5, bucket_limit = 6, bucket = 7}.
    static func histogram(tag: String, _ histogram: Histogram) -> ProtobufMessage {
        var proto = ProtobufMessage()
        for (field, x) in [(1, histogram.min), (2, histogram.max), (3, Double(histogram.count)),
                           (4, histogram.sum), (5, histogram.sumOfSquares)] where x.bitPattern != 0 {
            proto.double(field, x)
        }
        proto.packedDoubles(6, histogram.bucketLimits)
        proto.packedDoubles(7, histogram.bucketCounts)
        var value = ProtobufMessage()
        value.string(1, tag)
        value.message(5, proto)
        return value
    }

    /// The HParams plugin's tags, as tensorboard/plugins/hparams/metadata.py names them.
    static let experimentTag = "_hparams_/experiment"
    static let sessionStartTag = "_hparams_/session_start_info"
    static let sessionEndTag = "_hparams_/session_end_info"

    /// `Summary.Value` {tag = 1, tensor = 8, metadata = 9} carrying HParams
    /// plugin data: `SummaryMetadata` {plugin_data = 1: `PluginData`
    /// {plugin_name = 1: "hparams", content = 2: a serialized `HParamsPluginData`
    /// {version = 1: 0, experiment = 2 | session_start_info = 3 | session_end_info = 4}}},
    /// with the empty float tensor the plugin's own writer adds
    /// (`TensorProto` {dtype = 1: DT_FLOAT, tensor_shape = 2: {dim = 2: [{size = 1: 0}]}}).
    static func hparamsValue(tag: String, field: Int, _ content: ProtobufMessage) -> ProtobufMessage {
        var pluginData = ProtobufMessage()
        pluginData.message(field, content)
        var plugin = ProtobufMessage()
        plugin.string(1, "hparams")
        plugin.bytes(2, pluginData.bytes)
        var metadata = ProtobufMessage()
        metadata.message(1, plugin)
        var dimension = ProtobufMessage()
        dimension.message(2, ProtobufMessage())
        var tensor = ProtobufMessage()
        tensor.varint(1, 1)
        tensor.message(2, dimension)
        var value = ProtobufMessage()
        value.string(1, tag)
        value.message(8, tensor)
        value.message(9, metadata)
        return value
    }

    /// `SessionStartInfo` {hparams = 1 (map<string, google.protobuf.Value>),
    /// start_time_secs = 5}: one run's hyperparameters, keys in name order.
    static func sessionStart(_ hparams: [String: HParamValue], startTime: Double) -> ProtobufMessage {
        var info = ProtobufMessage()
        for (name, value) in hparams.sorted(by: { $0.key < $1.key }) {
            var entry = ProtobufMessage()
            entry.string(1, name)
            entry.message(2, value.protobuf)
            info.message(1, entry)
        }
        if startTime.bitPattern != 0 { info.double(5, startTime) }
        return hparamsValue(tag: sessionStartTag, field: 3, info)
    }

    /// `SessionEndInfo` {status = 1 (STATUS_SUCCESS = 1, STATUS_FAILURE = 2), end_time_secs = 2}.
    static func sessionEnd(succeeded: Bool, endTime: Double) -> ProtobufMessage {
        var info = ProtobufMessage()
        info.varint(1, succeeded ? 1 : 2)
        if endTime.bitPattern != 0 { info.double(2, endTime) }
        return hparamsValue(tag: sessionEndTag, field: 4, info)
    }

    /// `Experiment` {hparam_infos = 4, metric_infos = 5}: the HParams table's
    /// columns. `HParamInfo` {name = 1, type = 4 (DATA_TYPE_STRING = 1, BOOL = 2,
    /// FLOAT64 = 3), domain_discrete = 5 (a `ListValue` {values = 1}) |
    /// domain_interval = 6 (`Interval` {min_value = 1, max_value = 2}), differs = 7};
    /// `MetricInfo` {name = 1: `MetricName` {group = 1, tag = 2}, display_name = 3,
    /// dataset_type = 5 (DATASET_TRAINING = 1, DATASET_VALIDATION = 2)}.
    static func experiment(hparams: [HParamInfo], metrics: [MetricInfo]) -> ProtobufMessage {
        var experiment = ProtobufMessage()
        for info in hparams {
            var proto = ProtobufMessage()
            proto.string(1, info.name)
            let distinct = info.distinctValues
            switch info.type {
            case .string, .bool:
                proto.varint(4, info.type == .string ? 1 : 2)
                var list = ProtobufMessage()
                for value in distinct { list.message(1, value.protobuf) }
                proto.message(5, list)
            case .number:
                proto.varint(4, 3)
                let numbers = distinct.compactMap(\.number)
                var interval = ProtobufMessage()
                if let low = numbers.min(), low.bitPattern != 0 { interval.double(1, low) }
                if let high = numbers.max(), high.bitPattern != 0 { interval.double(2, high) }
                proto.message(6, interval)
            }
            if distinct.count > 1 { proto.varint(7, 1) }
            experiment.message(4, proto)
        }
        for metric in metrics {
            var name = ProtobufMessage()
            name.string(2, metric.tag)
            var proto = ProtobufMessage()
            proto.message(1, name)
            proto.string(3, metric.displayName)
            if let training = metric.training { proto.varint(5, training ? 1 : 2) }
            experiment.message(5, proto)
        }
        return hparamsValue(tag: experimentTag, field: 2, experiment)
    }
}

/// A hyperparameter's value in HParams: a `google.protobuf.Value` {number_value = 2 |
/// string_value = 3 | bool_value = 4}.
enum HParamValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)

    var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    var protobuf: ProtobufMessage {
        var value = ProtobufMessage()
        switch self {
        case .number(let x): value.double(2, x)
        case .string(let s): value.string(3, s)
        case .bool(let b): value.varint(4, b ? 1 : 0)
        }
        return value
    }
}

/// One column of the HParams table: a hyperparameter, its type, and the values the runs take.
struct HParamInfo: Sendable, Equatable {
    enum Kind: Sendable { case number, string, bool }

    var name: String
    /// Every value taken, in run order (repeats included).
    var values: [HParamValue]

    /// Numbers when every value is one, booleans likewise, otherwise text
    /// (numbers and booleans then shown as text), as TensorBoard infers it.
    var type: Kind {
        if values.allSatisfy({ $0.number != nil }) { return .number }
        if values.allSatisfy({ if case .bool = $0 { return true } else { return false } }) { return .bool }
        return .string
    }

    /// The distinct values in first-seen order, as `type` shows them.
    var distinctValues: [HParamValue] {
        var seen: [HParamValue] = []
        for value in values {
            let shown = type == .string ? .string(value.text) : value
            if !seen.contains(shown) { seen.append(shown) }
        }
        return seen
    }
}

extension HParamValue {
    /// The value as text: a number's shortest text (`numberText`), true/false.
    var text: String {
        switch self {
        case .number(let x): return numberText(x)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// One metric column of the HParams table: the last value of a scalar tag of each run.
struct MetricInfo: Sendable, Equatable {
    var tag: String
    var displayName: String
    /// True for a training metric, false for a validation one, nil for neither.
    var training: Bool?
}

/// A histogram as TensorBoard's `HistogramProto` holds it: bucket i counts the
/// values from the previous limit (from `min` for the first) up to
/// `bucketLimits[i]`; the last limit is `max`.
struct Histogram: Sendable, Equatable {
    var min: Double
    var max: Double
    var count: Int
    var sum: Double
    var sumOfSquares: Double
    var bucketLimits: [Double]
    var bucketCounts: [Double]

    /// `buckets` buckets of equal width from the least value to the greatest
    /// (one bucket when they are equal); value x goes to bucket
    /// ⌊(x − min)/width⌋, the greatest to the last. Sums in the values' order.
    /// Precondition: the values are finite and not empty.
    init(_ values: [Double], buckets: Int = 30) {
        precondition(!values.isEmpty && values.allSatisfy(\.isFinite), "Histogram needs finite values")
        let low = values.min() ?? 0, high = values.max() ?? 0
        min = low
        max = high
        count = values.count
        sum = values.reduce(0, +)
        sumOfSquares = values.reduce(0) { $0 + $1 * $1 }
        let k = low == high ? 1 : buckets
        let width = (high - low) / Double(k)
        bucketLimits = (1 ..< k).map { low + Double($0) * width } + [high]
        bucketCounts = Array(repeating: 0, count: k)
        for x in values {
            let index = width > 0 ? Swift.min(k - 1, Int((x - low) / width)) : 0
            bucketCounts[index] += 1
        }
    }
}
