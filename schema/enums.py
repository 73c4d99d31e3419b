"""The domain's enums, registered with Strawberry once, before any type or input uses them."""

import enum

import strawberry

from models import enums

for _value in vars(enums).values():
    if isinstance(_value, type) and issubclass(_value, enum.Enum) and _value.__module__ == enums.__name__:
        strawberry.enum(_value, description=_value.__doc__)
        for _member in _value.__strawberry_definition__.values:
            _member.description = enums.VALUE_DESCRIPTIONS[_value.__name__][_member.name]
