"""Validating and coercing request values against JSON-schema arguments, as WordPress does.

The messages, codes and the order in which checks run are WordPress's, because clients show
them and tests compare them. Values from query strings are strings (or nested lists/dicts of
strings); values from JSON bodies carry their JSON types.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from typing import Any

from .dates import is_rest_date
from .errors import RestError

ALLOWED_TYPES = ("array", "object", "string", "number", "integer", "boolean", "null")

# Keywords WordPress shows in route descriptors (index, OPTIONS), in its order.
SCHEMA_KEYWORDS = (
    "title", "description", "default", "type", "format", "enum", "items", "properties",
    "additionalProperties", "patternProperties", "minProperties", "maxProperties", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "uniqueItems", "anyOf", "oneOf",
)

_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_LIST_SPLIT = re.compile(r"[\s,]+", re.ASCII)  # PCRE's \s without the u flag
_HEX_COLOR = re.compile(r"^#([A-Fa-f0-9]{3}){1,2}$")
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)
_IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$")


# ---------------------------------------------------------------------------------------------
# PHP-flavoured type tests


def is_numeric(value: Any) -> bool:
    """PHP is_numeric."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return not (isinstance(value, float) and (math.isnan(value) or math.isinf(value)))
    return isinstance(value, str) and bool(_NUMERIC.match(value))


def to_number(value: Any) -> float:
    """PHP (float) cast of a numeric value."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return 0.0


INT_MAX = 2**63 - 1


def to_int(value: Any) -> int:
    """PHP (int) cast (saturating at PHP_INT_MAX/MIN like PHP does for numeric strings)."""
    return max(-INT_MAX - 1, min(INT_MAX, _to_int(value)))


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, str):
        match = re.match(r"^\s*([+-]?\d+(\.\d*)?([eE][+-]?\d+)?)", value)
        if not match:
            return 0
        text = match.group(1)
        if match.group(2) or match.group(3):
            number = float(text)
            return int(number) if math.isfinite(number) else 0
        return int(text)
    if isinstance(value, list | dict):
        return 1 if value else 0
    return 0


def php_empty(value: Any) -> bool:
    """PHP's ``empty()`` of a request value: null, "", "0", 0, 0.0, false and empty arrays."""
    if isinstance(value, list | dict):
        return not value
    return value is None or value is False or value in ("", "0") or (
        isinstance(value, int | float) and value == 0
    )


def is_integer(value: Any) -> bool:
    """rest_is_integer: numeric and without a fractional part."""
    if not is_numeric(value):
        return False
    number = to_number(value)
    return math.isfinite(number) and round(number) == number


def is_boolean(value: Any) -> bool:
    """rest_is_boolean."""
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return value.lower() in ("false", "true", "0", "1")
    if isinstance(value, int):
        return value in (0, 1)
    return False


def to_bool(value: Any) -> bool:
    """rest_sanitize_boolean."""
    if isinstance(value, str) and value.lower() == "false":
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    return bool(value)


def parse_list(value: Any) -> list[Any]:
    """wp_parse_list: split scalars on commas/whitespace; lists pass through."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    if value is None or isinstance(value, bool):
        text = "1" if value is True else ""
    else:
        text = str(value)
    return [p for p in _LIST_SPLIT.split(text) if p]


def _is_list_like(value: Any) -> bool:
    return isinstance(value, list)


def is_array(value: Any) -> bool:
    """rest_is_array."""
    if isinstance(value, str | int | float | bool):
        value = parse_list(value)
    return _is_list_like(value)


def to_array(value: Any) -> list[Any]:
    """rest_sanitize_array."""
    if isinstance(value, str | int | float | bool):
        return parse_list(value)
    if isinstance(value, list):
        return list(value)
    return []


def is_object(value: Any) -> bool:
    """rest_is_object."""
    return value == "" or isinstance(value, dict | list)


def to_object(value: Any) -> dict[Any, Any]:
    """rest_sanitize_object."""
    if value == "" or value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return dict(enumerate(value))
    return {}


def parse_date(value: Any) -> bool:
    """rest_parse_date: a date-time WordPress reads as a moment (see :mod:`.dates`)."""
    return is_rest_date(value)


def is_ip_address(value: Any) -> bool:
    """rest_is_ip_address: a dotted IPv4 address (leading zeros allowed) or an IPv6 address."""
    if not isinstance(value, str):
        return False
    if _IPV4.match(value):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Validation


def _type_error(param: str, type_name: str) -> RestError:
    return RestError("rest_invalid_type", f"{param} is not of type {type_name}.", {"param": param})


def best_type(value: Any, types: list[str]) -> str:
    """rest_get_best_type_for_value."""
    if value == "" and "string" in types:
        return "string"
    checks: dict[str, Callable[[Any], bool]] = {
        "array": is_array, "object": is_object, "integer": is_integer, "number": is_numeric,
        "boolean": is_boolean, "string": lambda v: isinstance(v, str), "null": lambda v: v is None,
    }
    for type_name in types:
        check = checks.get(type_name)
        if check and check(value):
            return type_name
    return ""


def _combining_error(param: str, errors: list[tuple[RestError, dict[str, Any], int]]) -> RestError:
    def fmt(error: RestError, schema: dict[str, Any], index: int) -> RestError:
        if "title" in schema:
            message = f"{param} is not a valid {schema['title']}. Reason: {error.message}"
        else:
            message = f"{param} does not match the expected format. Reason: {error.message}"
        return RestError("rest_no_matching_schema", message, {"position": index})

    if len(errors) == 1:
        return fmt(*errors[0])
    filtered = [
        e for e in errors
        if e[0].code != "rest_invalid_type"
        or (isinstance(e[0].data, dict) and e[0].data.get("param", param) != param)
    ]
    if len(filtered) == 1:
        return fmt(*filtered[0])
    return RestError(
        "rest_no_matching_schema", f"{param} does not match any of the expected formats."
    )


def _one_matching(value: Any, args: dict[str, Any], param: str) -> dict[str, Any] | RestError:
    matching: list[dict[str, Any]] = []
    errors: list[tuple[RestError, dict[str, Any], int]] = []
    for index, schema in enumerate(args["oneOf"]):
        candidate = dict(schema)
        if "type" not in candidate and "type" in args:
            candidate["type"] = args["type"]
        error = validate(value, candidate, param)
        if error is None:
            matching.append(candidate)
        else:
            errors.append((error, candidate, index))
    if not matching:
        return _combining_error(param, errors)
    if len(matching) > 1:
        return RestError(
            "rest_one_of_multiple_matches",
            f"{param} matches more than one of the expected formats.",
        )
    return matching[0]


def _any_matching(value: Any, args: dict[str, Any], param: str) -> dict[str, Any] | RestError:
    errors: list[tuple[RestError, dict[str, Any], int]] = []
    for index, schema in enumerate(args["anyOf"]):
        candidate = dict(schema)
        if "type" not in candidate and "type" in args:
            candidate["type"] = args["type"]
        error = validate(value, candidate, param)
        if error is None:
            return candidate
        errors.append((error, candidate, index))
    return _combining_error(param, errors)


def _bound(n: Any) -> str:
    return str(to_int(n))


def _validate_number(value: Any, args: dict[str, Any], param: str) -> RestError | None:
    if not is_numeric(value):
        return _type_error(param, args["type"])
    number = to_number(value)
    if "multipleOf" in args and math.fmod(number, float(args["multipleOf"])) != 0:
        return RestError("rest_invalid_multiple", f"{param} must be a multiple of {args['multipleOf']}.")
    lo, hi = args.get("minimum"), args.get("maximum")
    ex_lo, ex_hi = bool(args.get("exclusiveMinimum")), bool(args.get("exclusiveMaximum"))
    if lo is not None and hi is None:
        if ex_lo and number <= lo:
            return RestError("rest_out_of_bounds", f"{param} must be greater than {_bound(lo)}")
        if not ex_lo and number < lo:
            return RestError("rest_out_of_bounds", f"{param} must be greater than or equal to {_bound(lo)}")
    if hi is not None and lo is None:
        if ex_hi and number >= hi:
            return RestError("rest_out_of_bounds", f"{param} must be less than {_bound(hi)}")
        if not ex_hi and number > hi:
            return RestError("rest_out_of_bounds", f"{param} must be less than or equal to {_bound(hi)}")
    if lo is not None and hi is not None:
        below = number <= lo if ex_lo else number < lo
        above = number >= hi if ex_hi else number > hi
        if below or above:
            left = "exclusive" if ex_lo else "inclusive"
            right = "exclusive" if ex_hi else "inclusive"
            return RestError(
                "rest_out_of_bounds",
                f"{param} must be between {_bound(lo)} ({left}) and {_bound(hi)} ({right})",
            )
    return None


def _validate_string(value: Any, args: dict[str, Any], param: str) -> RestError | None:
    if not isinstance(value, str):
        return _type_error(param, "string")
    length = len(value)
    if "minLength" in args and length < args["minLength"]:
        n = args["minLength"]
        unit = "character" if n == 1 else "characters"
        return RestError("rest_too_short", f"{param} must be at least {n} {unit} long.")
    if "maxLength" in args and length > args["maxLength"]:
        n = args["maxLength"]
        unit = "character" if n == 1 else "characters"
        return RestError("rest_too_long", f"{param} must be at most {n} {unit} long.")
    if "pattern" in args and not re.search(args["pattern"], value):
        return RestError("rest_invalid_pattern", f"{param} does not match pattern {args['pattern']}.")
    return None


def _unique(items: list[Any]) -> bool:
    seen = []
    for item in items:
        if item in seen:
            return False
        seen.append(item)
    return True


def _validate_array(value: Any, args: dict[str, Any], param: str) -> RestError | None:
    if not is_array(value):
        return _type_error(param, "array")
    items = to_array(value)
    if "items" in args:
        for index, item in enumerate(items):
            error = validate(item, args["items"], f"{param}[{index}]")
            if error is not None:
                return error
    if "minItems" in args and len(items) < args["minItems"]:
        n = args["minItems"]
        return RestError("rest_too_few_items", f"{param} must contain at least {n} {'item' if n == 1 else 'items'}.")
    if "maxItems" in args and len(items) > args["maxItems"]:
        n = args["maxItems"]
        return RestError("rest_too_many_items", f"{param} must contain at most {n} {'item' if n == 1 else 'items'}.")
    if args.get("uniqueItems") and not _unique(items):
        return RestError("rest_duplicate_items", f"{param} has duplicate items.")
    return None


def _validate_object(value: Any, args: dict[str, Any], param: str) -> RestError | None:
    if not is_object(value):
        return _type_error(param, "object")
    obj = to_object(value)
    properties = args.get("properties") or {}
    required = args.get("required")
    for name in required if isinstance(required, list) else []:
        if name not in obj:
            return RestError("rest_property_required", f"{name} is a required property of {param}.")
    for name, prop in properties.items():
        if prop.get("required") is True and name not in obj:
            return RestError("rest_property_required", f"{name} is a required property of {param}.")
    for key, item in obj.items():
        if key in properties:
            error = validate(item, properties[key], f"{param}[{key}]")
            if error is not None:
                return error
            continue
        pattern_schema = None
        for pattern, schema in (args.get("patternProperties") or {}).items():
            if re.search(pattern, str(key)):
                pattern_schema = schema
                break
        if pattern_schema is not None:
            error = validate(item, pattern_schema, f"{param}[{key}]")
            if error is not None:
                return error
            continue
        extra = args.get("additionalProperties")
        if extra is False:
            return RestError(
                "rest_additional_properties_forbidden", f"{key} is not a valid property of Object."
            )
        if isinstance(extra, dict):
            error = validate(item, extra, f"{param}[{key}]")
            if error is not None:
                return error
    if "minProperties" in args and len(obj) < args["minProperties"]:
        n = args["minProperties"]
        return RestError("rest_too_few_properties", f"{param} must contain at least {n} {'property' if n == 1 else 'properties'}.")
    if "maxProperties" in args and len(obj) > args["maxProperties"]:
        n = args["maxProperties"]
        return RestError("rest_too_many_properties", f"{param} must contain at most {n} {'property' if n == 1 else 'properties'}.")
    return None


def _enum_message(param: str, enum: list[Any]) -> str:
    shown = [str(v) if not isinstance(v, bool) else ("true" if v else "false") for v in enum]
    if len(shown) == 1:
        return f"{param} is not {shown[0]}."
    if len(shown) == 2:
        return f"{param} is not one of {shown[0]} and {shown[1]}."
    return f"{param} is not one of {', '.join(shown[:-1])}, and {shown[-1]}."


def _in_enum(value: Any, args: dict[str, Any]) -> bool:
    cooked = sanitize(value, args, "")
    for option in args["enum"]:
        if option == cooked and type(option) is type(cooked):
            return True
        if isinstance(option, int | float) and isinstance(cooked, int | float) and not isinstance(
            cooked, bool
        ) and float(option) == float(cooked):
            return True
    return False


def validate(value: Any, args: dict[str, Any], param: str) -> RestError | None:
    """rest_validate_value_from_schema: None when valid, else the error."""
    args = dict(args)
    if "anyOf" in args:
        match = _any_matching(value, args, param)
        if isinstance(match, RestError):
            return match
        if "type" not in args and "type" in match:
            args["type"] = match["type"]
    if "oneOf" in args:
        match = _one_matching(value, args, param)
        if isinstance(match, RestError):
            return match
        if "type" not in args and "type" in match:
            args["type"] = match["type"]
    type_name = args.get("type")
    if isinstance(type_name, list):
        chosen = best_type(value, type_name)
        if not chosen:
            return RestError(
                "rest_invalid_type", f"{param} is not of type {','.join(type_name)}.", {"param": param}
            )
        args["type"] = type_name = chosen
    error: RestError | None = None
    if type_name == "null":
        error = None if value is None else _type_error(param, "null")
    elif type_name == "boolean":
        error = None if is_boolean(value) else _type_error(param, "boolean")
    elif type_name == "object":
        error = _validate_object(value, args, param)
    elif type_name == "array":
        error = _validate_array(value, args, param)
    elif type_name == "number":
        error = _validate_number(value, args, param)
    elif type_name == "string":
        error = _validate_string(value, args, param)
    elif type_name == "integer":
        error = _validate_number(value, args, param)
        if error is None and not is_integer(value):
            error = _type_error(param, "integer")
    if error is not None:
        return error
    if args.get("enum") and not _in_enum(value, args):
        return RestError("rest_not_in_enum", _enum_message(param, args["enum"]))
    fmt = args.get("format")
    if fmt and (type_name is None or type_name == "string" or type_name not in ALLOWED_TYPES):
        if fmt == "hex-color" and not (isinstance(value, str) and _HEX_COLOR.match(value)):
            return RestError("rest_invalid_hex_color", "Invalid hex color.")
        if fmt == "date-time" and not parse_date(value):
            return RestError("rest_invalid_date", "Invalid date.")
        if fmt == "email" and not (isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)):
            return RestError("rest_invalid_email", "Invalid email address.")
        if fmt == "uuid" and not (isinstance(value, str) and _UUID.match(value)):
            return RestError("rest_invalid_uuid", f"{param} is not a valid UUID.")
        if fmt == "ip" and not is_ip_address(value):
            return RestError("rest_invalid_ip", f"{param} is not a valid IP address.")
    return None


# ---------------------------------------------------------------------------------------------
# Sanitisation


def sanitize_text_field(value: Any) -> str:
    """sanitize_text_field: strip tags, collapse whitespace, trim."""
    text = str(value) if not isinstance(value, bool) else ("1" if value else "")
    text = re.sub(r"<(script|style)[^>]*?>.*?</\1>", "", text, flags=re.I | re.S)
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"[\r\n\t ]+", " ", text)
    return text.strip()


def sanitize(value: Any, args: dict[str, Any], param: str) -> Any:
    """rest_sanitize_value_from_schema."""
    args = dict(args)
    if "anyOf" in args:
        match = _any_matching(value, args, param)
        if isinstance(match, RestError):
            return match
        if "type" not in args and "type" in match:
            args["type"] = match["type"]
        value = sanitize(value, match, param)
    if "oneOf" in args:
        match = _one_matching(value, args, param)
        if isinstance(match, RestError):
            return match
        if "type" not in args and "type" in match:
            args["type"] = match["type"]
        value = sanitize(value, match, param)
    type_name = args.get("type")
    if isinstance(type_name, list):
        chosen = best_type(value, type_name)
        if not chosen:
            return value
        type_name = chosen
    if type_name == "array":
        items = to_array(value)
        if "items" in args:
            items = [sanitize(v, args["items"], f"{param}[{i}]") for i, v in enumerate(items)]
        if args.get("uniqueItems") and not _unique(items):
            return RestError("rest_duplicate_items", f"{param} has duplicate items.")
        return items
    if type_name == "object":
        if isinstance(value, list):  # a PHP list is an array too; keys 0..n are not properties
            return [] if args.get("additionalProperties") is False and value else value
        obj = to_object(value)
        properties = args.get("properties") or {}
        for key in list(obj):
            if key in properties:
                obj[key] = sanitize(obj[key], properties[key], f"{param}[{key}]")
                continue
            extra = args.get("additionalProperties")
            if extra is False:
                del obj[key]
            elif isinstance(extra, dict):
                obj[key] = sanitize(obj[key], extra, f"{param}[{key}]")
        return obj
    if type_name == "null":
        return None
    if type_name == "integer":
        return to_int(value)
    if type_name == "number":
        return to_number(value)
    if type_name == "boolean":
        return to_bool(value)
    fmt = args.get("format")
    if fmt and (type_name is None or type_name == "string" or type_name not in ALLOWED_TYPES):
        if fmt in ("date-time", "ip", "uuid", "text-field"):
            return sanitize_text_field(value)
        if fmt == "hex-color":
            return value if isinstance(value, str) and _HEX_COLOR.match(value) else ""
        if fmt == "email":
            return str(value).strip()
        if fmt == "uri":
            return str(value).strip()
        if fmt == "textarea-field":
            return str(value).strip()
    if type_name == "string":
        if isinstance(value, bool):
            return "1" if value else ""
        return str(value) if not isinstance(value, list | dict) else value
    return value


def parse_request_arg(value: Any, args: dict[str, Any], param: str) -> Any:
    """rest_parse_request_arg: validate, then sanitize; returns the value or a RestError."""
    error = validate(value, args, param)
    if error is not None:
        return error
    return sanitize(value, args, param)


def public_args(args: dict[str, Any]) -> dict[str, Any]:
    """An argument as the index shows it: schema keywords in declared order, then 'required'."""
    shown = {k: v for k, v in args.items() if k in SCHEMA_KEYWORDS}
    shown["required"] = bool(args.get("required") is True)
    return shown
