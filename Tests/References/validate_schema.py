#!/usr/bin/env python3
"""Validates experiment files against schema/experiment.schema.json.

    python3 validate_schema.py SCHEMA FILE...

Checks the schema itself against the draft 2020-12 metaschema, then each file
with jsonschema.Draft202012Validator. Prints one line per file, in the order
given:

    OK path
    INVALID path: message

and exits 0 when every file is valid, 1 when one is not, 2 when the schema is
not a valid schema or cannot be read (nothing is printed per file then), 3
when the jsonschema package is missing.

A file must also be strict JSON, as nnlab reads it: Python's json module
accepts NaN, Infinity, numbers that overflow to infinity and repeated keys,
which nnlab refuses, so those are reported INVALID here too.

Needs the jsonschema package (pip install jsonschema).
"""

import json
import math
import sys

try:
    import jsonschema
except ImportError:
    print("validate_schema.py needs the jsonschema package: pip install jsonschema", file=sys.stderr)
    sys.exit(3)


class NotStrictJSON(ValueError):
    pass


def refuse_constant(name):
    raise NotStrictJSON(f"{name} is not a JSON number")


def finite_float(text):
    value = float(text)
    if math.isinf(value):
        raise NotStrictJSON(f"{text} is too large for a double")
    return value


def unique_keys(pairs):
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise NotStrictJSON(f"duplicate key {json.dumps(key)}")
        seen.add(key)
    return dict(pairs)


def load_strict(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file, parse_constant=refuse_constant, parse_float=finite_float,
                         object_pairs_hook=unique_keys)


def location(error):
    """The instance path of an error in the dotted style of nnlab's messages."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def main(argv):
    if len(argv) < 2:
        print("usage: validate_schema.py SCHEMA FILE...", file=sys.stderr)
        return 2
    schema_path, paths = argv[1], argv[2:]
    try:
        schema = load_strict(schema_path)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as error:
        message = getattr(error, "message", str(error))
        print(f"SCHEMA INVALID {schema_path}: {message}".replace("\n", " "))
        return 2
    validator = jsonschema.Draft202012Validator(schema)

    all_valid = True
    for path in paths:
        try:
            instance = load_strict(path)
        except (OSError, ValueError) as error:
            print(f"INVALID {path}: not strict JSON: {error}".replace("\n", " "))
            all_valid = False
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is None:
            print(f"OK {path}")
        else:
            print(f"INVALID {path}: {location(error)}: {error.message}".replace("\n", " "))
            all_valid = False
    return 0 if all_valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
