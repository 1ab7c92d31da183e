"""Golden bytes for nnlab's hand-written TensorBoard encoding, from the
protobuf classes and the record writer of the `tensorboard` package.

Run with the export environment (scripts/python-env):

    .venv-export/bin/python Tests/References/tensorboard_reference.py > Tests/References/tensorboard_reference.json

It writes the JSON that EventFileEncodingTests.swift compares against (the
suite does not need Python): "crc32c" and "masked_crc32c" of a few byte
strings (as hex of the bytes), and "messages": each message named below,
built with tensorboard's own protobuf classes and serialized
deterministically (map keys sorted), as hex; "record" is the first message
framed by tensorboard's RecordWriter (TFRecord).
"""
import io
import json

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import crc32c, masked_crc32c
from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2
from tensorboard.summary.writer.record_writer import RecordWriter


def hex_of(message):
    return message.SerializeToString(deterministic=True).hex()


def hparams_value(tag, **data):
    # As metadata.create_summary_metadata, but serialized deterministically.
    content = plugin_data_pb2.HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION, **data)
    plugin_data = summary_pb2.SummaryMetadata.PluginData(plugin_name=metadata.PLUGIN_NAME,
                                                         content=content.SerializeToString(deterministic=True))
    value = summary_pb2.Summary.Value(tag=tag, metadata=summary_pb2.SummaryMetadata(plugin_data=plugin_data))
    value.tensor.CopyFrom(metadata.NULL_TENSOR)
    return value


def event(wall_time, step, *values):
    return event_pb2.Event(wall_time=wall_time, step=step, summary=summary_pb2.Summary(value=list(values)))


file_version = event_pb2.Event(wall_time=0, file_version="brain.Event:2")

scalars = event(3, 3,
                summary_pb2.Summary.Value(tag="loss/train", simple_value=0.25),
                summary_pb2.Summary.Value(tag="accuracy/validation", simple_value=0.0),
                summary_pb2.Summary.Value(tag="grad_norm/layer_1", simple_value=float("inf")))

# The values -1, 0.5, 2, 2 in three buckets of width 1 from -1 to 2: [-1, 0), [0, 1), [1, 2].
histogram = event(12, 12, summary_pb2.Summary.Value(tag="weights/layer_1", histo=summary_pb2.HistogramProto(
    min=-1, max=2, num=4, sum=3.5, sum_squares=9.25, bucket_limit=[0, 1, 2], bucket=[1, 1, 2])))

start = plugin_data_pb2.SessionStartInfo()
start.hparams["optimizer.learning_rate"].number_value = 0.01
start.hparams["model.activation"].string_value = "relu"
start.hparams["training.shuffle"].bool_value = True
start.hparams["seed"].number_value = 0
session_start = event(0, 0, hparams_value(metadata.SESSION_START_INFO_TAG, session_start_info=start))

session_end = event(12, 12, hparams_value(metadata.SESSION_END_INFO_TAG, session_end_info=plugin_data_pb2.SessionEndInfo(
    status=api_pb2.STATUS_FAILURE, end_time_secs=12)))

experiment = api_pb2.Experiment()
info = experiment.hparam_infos.add(name="optimizer.learning_rate", type=api_pb2.DATA_TYPE_FLOAT64, differs=True)
info.domain_interval.min_value = 0.01
info.domain_interval.max_value = 0.1
info = experiment.hparam_infos.add(name="model.activation", type=api_pb2.DATA_TYPE_STRING, differs=True)
info.domain_discrete.extend(["relu", "tanh"])
info = experiment.hparam_infos.add(name="training.shuffle", type=api_pb2.DATA_TYPE_BOOL)
info.domain_discrete.extend([True])
info = experiment.hparam_infos.add(name="seed", type=api_pb2.DATA_TYPE_FLOAT64)
info.domain_interval.max_value = 0
experiment.metric_infos.add(name=api_pb2.MetricName(tag="loss/validation"), display_name="validation_loss",
                            dataset_type=api_pb2.DATASET_VALIDATION)
experiment.metric_infos.add(name=api_pb2.MetricName(tag="accuracy/train"), display_name="train_accuracy",
                            dataset_type=api_pb2.DATASET_TRAINING)
experiment_event = event(0, 0, hparams_value(metadata.EXPERIMENT_TAG, experiment=experiment))

buffer = io.BytesIO()
RecordWriter(buffer).write(file_version.SerializeToString())

samples = [b"", b"a", b"123456789", bytes(range(256))]
print(json.dumps({
    "crc32c": {s.hex(): crc32c(s) for s in samples},
    "masked_crc32c": {s.hex(): masked_crc32c(s) for s in samples},
    "messages": {
        "file_version": hex_of(file_version),
        "scalars": hex_of(scalars),
        "histogram": hex_of(histogram),
        "session_start": hex_of(session_start),
        "session_end": hex_of(session_end),
        "experiment": hex_of(experiment_event),
    },
    "record": buffer.getvalue().hex(),
}, indent=1, sort_keys=True))
