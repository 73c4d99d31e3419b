"""The domain's enums, registered with Strawberry once, before any type or input uses them."""

import enum

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition

from loaders.errors import REQUEST_ERROR_DESCRIPTIONS, RequestErrorCode
from models import enums


def _definition(enum_class: type[enum.Enum]) -> StrawberryEnumDefinition:
    """The definition `strawberry.enum` gave an enum."""
    assert has_enum_definition(enum_class)
    return enum_class.__strawberry_definition__


for _value in vars(enums).values():
    if isinstance(_value, type) and issubclass(_value, enum.Enum) and _value.__module__ == enums.__name__:
        strawberry.enum(_value, description=_value.__doc__)
        for _member in _definition(_value).values:
            _member.description = enums.VALUE_DESCRIPTIONS[_value.__name__][_member.name]

#: Not the type of any field: exported so that a client can see every `extensions.code` it may get.
strawberry.enum(RequestErrorCode, description=(
    "Every `extensions.code` an error of this API may carry, on a GraphQL error or on an HTTP refusal. "
    "No field has this type: it lists the codes for clients. A mutation's reasons in its payload are `ErrorCode`."))
for _member in _definition(RequestErrorCode).values:
    _member.description = REQUEST_ERROR_DESCRIPTIONS[RequestErrorCode(_member.value)]
