"""addComment: an internal note on an account or a contact, shown first in its Comments tab.

The text is 1..10,000 characters once trimmed (NFC); the author is the token's name. A comment may
reply to another comment of the same account or contact. The entry goes on the history of what was
commented on (a contact's comment also on its account's bitácora, as its purchase orders are).
"""

from dataclasses import dataclass
from typing import Any, Optional

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from loaders.errors import UserInputError
from models import Account, Comment, Contact, Table
from resolvers import validation
from resolvers.context import RequestContext
from resolvers.errors import ErrorCode, Problems
from resolvers.pipeline import Log, MutationDef, changes
from resolvers.transaction import stored_id
from schema.node import global_id, parse_global_id

MAX_TEXT = 10_000
#: What may be commented on, by the type name of its global id.
PARENTS: dict[str, type[Account] | type[Contact]] = {model.type_name(): model for model in (Account, Contact)}
#: The comment's column that points at each kind of parent.
PARENT_COLUMN: dict[type[Table], str] = {Account: "account_id", Contact: "contact_id"}
#: How long a comment's text may be in its log entry's one-line summary.
SUMMARY_TEXT = 120


@strawberry.input(description="A comment on an account or a contact.")
class AddCommentInput:
    parent_id: strawberry.ID = strawberry.field(description="Global id of the account or contact commented on.")
    text: str = strawberry.field(description=f"Text of the comment: 1..{MAX_TEXT:,} characters once trimmed.")
    reply_to_id: Optional[strawberry.ID] = strawberry.field(
        default=None, description="Global id of the comment this one replies to: a comment of the same account or contact."
    )


def _parent(problems: Problems, value: str) -> tuple[type[Account] | type[Contact], int] | None:
    """(model, primary key) of a global id of an account or a contact."""
    try:
        type_name, pk = parse_global_id(value)
    except UserInputError as error:
        problems.add(["parentId"], ErrorCode.INVALID, error.message)
        return None
    if type_name not in PARENTS:
        problems.add(["parentId"], ErrorCode.NOT_FOUND, f"{value[:64]!r} is not the id of an Account or a Contact: "
                     "only accounts and contacts have comments")
        return None
    return PARENTS[type_name], pk


@dataclass
class _Plan:
    parent: Account | Contact
    comment: Comment  #: not added to the session yet


def _owner_of(comment: Comment) -> tuple[str, int | None]:
    return ("account_id", comment.account_id) if comment.account_id is not None else ("contact_id", comment.contact_id)


async def _check(session: AsyncSession, input: AddCommentInput, problems: Problems, context: RequestContext) -> _Plan | None:
    parent_ref = _parent(problems, input.parent_id)
    text = validation.required_text(problems, ["text"], input.text, MAX_TEXT)
    reply_pk = validation.global_id(problems, ["replyToId"], input.reply_to_id, Comment)
    parent: Account | Contact | None = None
    if parent_ref is not None:
        model, pk = parent_ref
        parent = await session.get(model, pk)
        if parent is None:
            problems.add(["parentId"], ErrorCode.NOT_FOUND, f"there is no {model.type_name().lower()} {input.parent_id!r}")
    if reply_pk is not None:
        replied = await session.get(Comment, reply_pk)
        if replied is None:
            problems.add(["replyToId"], ErrorCode.NOT_FOUND, f"there is no comment {input.reply_to_id!r}")
        elif parent is not None and _owner_of(replied) != (PARENT_COLUMN[type(parent)], parent.id):
            problems.add(["replyToId"], ErrorCode.INVALID, f"comment {input.reply_to_id!r} is not on {input.parent_id!r}: "
                         "a reply is on the same account or contact as the comment it answers")
    if parent is None or text is None or problems:
        return None
    owner: dict[str, Any] = {PARENT_COLUMN[type(parent)]: parent.id}
    comment = Comment(body=text, author=context.actor, parent_comment_id=reply_pk, **owner)
    return _Plan(parent, comment)


async def _write(session: AsyncSession, plan: _Plan, log: Log) -> int:
    comment, parent = plan.comment, plan.parent
    comment.created_at = log.at  # the comment and its log entry are one moment
    session.add(comment)
    await session.flush()
    column = PARENT_COLUMN[type(parent)]
    logged = {"body": comment.body, "author": comment.author, "created_at": comment.created_at, column: parent.id}
    if comment.parent_comment_id is not None:
        logged["parent_comment_id"] = comment.parent_comment_id
    references = {"account_id": "Account", "contact_id": "Contact", "parent_comment_id": "Comment"}
    line = " ".join(comment.body.split())
    excerpt = line if len(line) <= SUMMARY_TEXT else line[: SUMMARY_TEXT - 1] + "…"
    where = {"account_id": parent.id} if isinstance(parent, Account) else {"account_id": parent.account_id, "contact_id": parent.id}
    log.add("COMMENTED", f"Comment by {comment.author}: {excerpt}", **where,
            changed=changes(None, logged, references), comment=global_id("Comment", stored_id(comment)))
    return stored_id(comment)


MUTATION = MutationDef(
    name="addComment",
    description="A comment on an account or a contact, shown first in its Comments tab; the author is the token's name.",
    input=AddCommentInput,
    input_description="What is commented on and the text.",
    node="comment",
    model=Comment,
    node_description="The new comment with its author and time",
    check=_check,
    write=_write,
    also=lambda plan: [(type(plan.parent), [plan.parent.id])],
)
