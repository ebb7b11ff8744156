"""Bot API methods over the simulated cloud, with the real API's checks and error wording.

Each method takes the cloud and the call's parameters and returns the ``result`` value, or
raises ``ApiError``. getUpdates lives in the server, because it waits.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.standin.cloud import DEFAULT_UPDATE_TYPES, Cloud, Json, Topic, Webhook
from tests.standin.markup import MarkupError, parse, utf16_len

MAX_TEXT = 4096
TOPIC_COLORS = frozenset({7322096, 16766590, 13338331, 9367192, 16749490, 16478047})
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)  # fmt: skip
BUTTON_ACTIONS = frozenset(
    {"url", "callback_data", "web_app", "login_url", "switch_inline_query",
     "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
     "callback_game", "pay"}
)  # fmt: skip
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND = re.compile(r"[a-z0-9_]{1,32}")

# Form bodies carry every value as a string; these are decoded so that a call's record
# reads the same whichever encoding the client used.
INT_FIELDS = frozenset(
    {"message_id", "message_thread_id", "offset", "limit", "timeout", "max_connections",
     "reply_to_message_id", "icon_color", "cache_time", "user_id", "from_chat_id"}
)  # fmt: skip
BOOL_FIELDS = frozenset(
    {"show_alert", "drop_pending_updates", "disable_notification", "protect_content",
     "allow_sending_without_reply", "disable_web_page_preview", "allow_paid_broadcast"}
)  # fmt: skip
JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "reply_parameters", "allowed_updates", "commands", "scope",
     "link_preview_options", "caption_entities"}
)  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Result:
    """A successful answer; some methods also carry a description (setWebhook)."""

    value: Any
    description: str | None = None


def normalise(raw: Mapping[str, Any]) -> Json:
    """Typed parameters from JSON, query or form values; undecodable values stay as sent."""
    params: Json = {}
    for name, value in raw.items():
        params[name] = _decode(name, value) if isinstance(value, str) else value
    return params


def _decode(name: str, value: str) -> Any:
    if name == "chat_id":
        return int(value) if re.fullmatch(r"-?\d+", value) else value
    if name in INT_FIELDS:
        return int(value) if re.fullmatch(r"-?\d+", value) else value
    if name in BOOL_FIELDS:
        return {"true": True, "1": True, "false": False, "0": False}.get(value.lower(), value)
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# -- parameter access -----------------------------------------------------------------------


def _int(params: Json, name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is empty")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f'field "{name}" must be of type Integer')
    return value


def _str(params: Json, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _object(params: Json, name: str, what: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        raise bad_request(f"can't parse {what} JSON object")
    return value


def _chat(cloud: Cloud, params: Json) -> Json:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise bad_request("chat_id is empty")
    chat = (
        cloud.chat_by_username(chat_id)
        if isinstance(chat_id, str) and chat_id.startswith("@")
        else cloud.chats.get(chat_id)
        if isinstance(chat_id, int)
        else None
    )
    if chat is None:
        raise bad_request("chat not found")
    if chat["id"] in cloud.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    return chat


def _topic(cloud: Cloud, chat: Json, params: Json) -> Topic | None:
    """The forum topic a message goes to; None for the General topic or a private chat."""
    thread_id = _int(params, "message_thread_id")
    if thread_id is None or (chat.get("is_forum") and thread_id == 1):
        return None
    topic = cloud.topics.get((chat["id"], thread_id))
    if topic is None:
        raise bad_request("message thread not found")
    return topic


def _text(params: Json, name: str = "text") -> tuple[str, list[Json]]:
    raw = _str(params, name) or ""
    explicit = _object(params, "entities", "message entities")
    try:
        if explicit:
            text, entities = parse(raw, None)
            entities = [dict(e) for e in explicit]
        else:
            text, entities = parse(raw, _str(params, "parse_mode"))
    except MarkupError as error:
        raise bad_request(f"can't parse entities: {error}") from error
    except ValueError as error:
        raise bad_request("unsupported parse_mode") from error
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def _markup(params: Json) -> Json | None:
    """The inline keyboard to keep on the message; other keyboards are accepted, not kept."""
    markup = _object(params, "reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            _check_button(button)
    return {"inline_keyboard": copy.deepcopy(rows)} if any(rows) else None


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = BUTTON_ACTIONS & button.keys()
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if "callback_data" in actions and not (
        isinstance(data, str) and 1 <= len(data.encode()) <= 64
    ):
        raise bad_request("BUTTON_DATA_INVALID")


def _reply_target(cloud: Cloud, chat: Json, params: Json) -> Json | None:
    reply = _object(params, "reply_parameters", "reply parameters")
    if isinstance(reply, dict):
        message_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = _int(params, "reply_to_message_id")
        allow = params.get("allow_sending_without_reply") is True
    if message_id is None:
        return None
    target = cloud.messages.get((chat["id"], message_id))
    if target is None and not allow:
        raise bad_request("message to be replied not found")
    if target is None:
        return None
    return {key: value for key, value in target.items() if key != "reply_to_message"}


# -- methods ------------------------------------------------------------------------------


def get_me(cloud: Cloud, params: Json) -> Result:
    return Result(
        {
            **cloud.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
    )


def send_message(cloud: Cloud, params: Json) -> Result:
    chat = _chat(cloud, params)
    topic = _topic(cloud, chat, params)
    text, entities = _text(params)
    markup = _markup(params)
    reply_to = _reply_target(cloud, chat, params)
    if topic is not None and reply_to is None:
        # Telegram's quirk: a topic message "replies" to the topic's creation message.
        reply_to = cloud.messages.get((chat["id"], topic.thread_id))
    message = cloud.new_message(
        chat,
        cloud.bot_user,
        message_thread_id=topic.thread_id if topic else None,
        is_topic_message=True if topic else None,
        reply_to_message=reply_to,
        text=text,
        entities=entities or None,
        reply_markup=markup,
    )
    cloud.record_bot_message(message)
    return Result(copy.deepcopy(message))


def _editable(cloud: Cloud, params: Json) -> Json:
    if params.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = _chat(cloud, params)
    message_id = _int(params, "message_id", required=True)
    message = cloud.messages.get((chat["id"], message_id or 0))
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != cloud.bot_user["id"]:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(cloud: Cloud, message: Json, changes: Json) -> Result:
    if all(message.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = int(time.time())
    cloud.changed()
    return Result(copy.deepcopy(message))


def edit_message_text(cloud: Cloud, params: Json) -> Result:
    message = _editable(cloud, params)
    text, entities = _text(params)
    # Editing the text without reply_markup removes the inline keyboard, as on Telegram.
    changes = {"text": text, "entities": entities or None, "reply_markup": _markup(params)}
    return _apply_edit(cloud, message, changes)


def edit_message_reply_markup(cloud: Cloud, params: Json) -> Result:
    message = _editable(cloud, params)
    return _apply_edit(cloud, message, {"reply_markup": _markup(params)})


def delete_message(cloud: Cloud, params: Json) -> Result:
    chat = _chat(cloud, params)
    message_id = _int(params, "message_id", required=True)
    if cloud.messages.pop((chat["id"], message_id or 0), None) is None:
        raise bad_request("message to delete not found")
    cloud.changed()
    return Result(True)


def answer_callback_query(cloud: Cloud, params: Json) -> Result:
    query = cloud.callback_queries.get(_str(params, "callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = _str(params, "text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": params.get("show_alert") is True,
        "url": _str(params, "url"),
        "cache_time": _int(params, "cache_time") or 0,
    }
    cloud.changed()
    return Result(True)


def send_chat_action(cloud: Cloud, params: Json) -> Result:
    chat = _chat(cloud, params)
    _topic(cloud, chat, params)
    if _str(params, "action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return Result(True)


def _forum(cloud: Cloud, params: Json) -> Json:
    chat = _chat(cloud, params)
    if not chat.get("is_forum"):
        raise bad_request("the chat is not a forum")
    return chat


def _existing_topic(cloud: Cloud, params: Json) -> Topic:
    chat = _forum(cloud, params)
    thread_id = _int(params, "message_thread_id", required=True)
    topic = cloud.topics.get((chat["id"], thread_id or 0))
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return topic


def create_forum_topic(cloud: Cloud, params: Json) -> Result:
    chat = _forum(cloud, params)
    name = (_str(params, "name") or "").strip()
    if not name:
        raise bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > 128:
        raise bad_request("TOPIC_TITLE_TOO_LONG")
    color = _int(params, "icon_color") or 7322096
    if color not in TOPIC_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    emoji = _str(params, "icon_custom_emoji_id") or None
    created = {"name": name, "icon_color": color}
    if emoji:
        created["icon_custom_emoji_id"] = emoji
    # The topic's thread id is the id of its creation service message.
    message = cloud.new_message(chat, cloud.bot_user, forum_topic_created=created)
    message["message_thread_id"] = message["message_id"]
    message["is_topic_message"] = True
    topic = Topic(chat["id"], message["message_id"], name, color, emoji)
    cloud.topics[chat["id"], topic.thread_id] = topic
    cloud.changed()
    return Result(topic.as_json())


def edit_forum_topic(cloud: Cloud, params: Json) -> Result:
    topic = _existing_topic(cloud, params)
    name = _str(params, "name")
    emoji = _str(params, "icon_custom_emoji_id")
    if name is not None and not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    new_name = name if name is not None else topic.name
    new_emoji = (emoji or None) if emoji is not None else topic.icon_custom_emoji_id
    if (new_name, new_emoji) == (topic.name, topic.icon_custom_emoji_id):
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.name, topic.icon_custom_emoji_id = new_name, new_emoji
    cloud.changed()
    return Result(True)


def _set_closed(closed: bool) -> Callable[[Cloud, Json], Result]:
    def method(cloud: Cloud, params: Json) -> Result:
        topic = _existing_topic(cloud, params)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        cloud.changed()
        return Result(True)

    return method


def delete_forum_topic(cloud: Cloud, params: Json) -> Result:
    topic = _existing_topic(cloud, params)
    del cloud.topics[topic.chat_id, topic.thread_id]
    for key, message in list(cloud.messages.items()):
        if key[0] == topic.chat_id and message.get("message_thread_id") == topic.thread_id:
            del cloud.messages[key]
    cloud.changed()
    return Result(True)


def set_webhook(cloud: Cloud, params: Json) -> Result:
    url = _str(params, "url") or ""
    if not url:
        return delete_webhook(cloud, params)
    if not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = _str(params, "secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = _int(params, "max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    set_allowed_updates(cloud, params)
    if params.get("drop_pending_updates") is True:
        cloud.drop_pending()
    same = cloud.webhook is not None and cloud.webhook.url == url
    cloud.webhook = Webhook(url, secret, max_connections, _str(params, "ip_address"))
    cloud.changed()
    return Result(True, "Webhook is already set" if same else "Webhook was set")


def delete_webhook(cloud: Cloud, params: Json) -> Result:
    if params.get("drop_pending_updates") is True:
        cloud.drop_pending()
    existed, cloud.webhook = cloud.webhook is not None, None
    cloud.changed()
    return Result(True, "Webhook was deleted" if existed else "Webhook is already deleted")


def get_webhook_info(cloud: Cloud, params: Json) -> Result:
    hook = cloud.webhook
    info: Json = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(cloud.pending),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        info["allowed_updates"] = sorted(cloud.allowed_updates)
    return Result(info)


def set_allowed_updates(cloud: Cloud, params: Json) -> None:
    """allowed_updates is remembered; an empty list means the default set."""
    allowed = _object(params, "allowed_updates", "allowed updates")
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed updates JSON object")
    cloud.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES


def set_my_commands(cloud: Cloud, params: Json) -> Result:
    commands = _object(params, "commands", "commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict) or not _BOT_COMMAND.fullmatch(
            str(command.get("command", ""))
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    cloud.commands = [{"command": c["command"], "description": c["description"]} for c in commands]
    return Result(True)


def get_my_commands(cloud: Cloud, params: Json) -> Result:
    return Result(copy.deepcopy(cloud.commands))


def delete_my_commands(cloud: Cloud, params: Json) -> Result:
    cloud.commands = []
    return Result(True)


Method = Callable[[Cloud, Json], Result]

METHODS: dict[str, Method] = {
    "getMe": get_me,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
    "createForumTopic": create_forum_topic,
    "editForumTopic": edit_forum_topic,
    "closeForumTopic": _set_closed(True),
    "reopenForumTopic": _set_closed(False),
    "deleteForumTopic": delete_forum_topic,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
