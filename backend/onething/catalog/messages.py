"""Field-error messages in zh-CN and en, keyed by the stable error code."""

from __future__ import annotations

from typing import Final

# {zh}/{en} are the field's label; other placeholders are filled by the validator.
MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "required": ("请填写{zh}", "{en} is required"),
    "unknown_field": ("表单中没有“{key}”这一项", "“{key}” is not a field of this form"),
    "excluded": (
        "根据您选择的办理情形，无需填写{zh}，请删除",
        "{en} does not apply to the situation you chose; please remove it",
    ),
    "type": ("{zh}的数据类型不正确", "{en} has the wrong type of value"),
    "text.control": ("{zh}含有不可见的控制字符", "{en} contains invisible control characters"),
    "text.min_length": ("{zh}至少需要{n}个字", "{en} needs at least {n} characters"),
    "text.max_length": ("{zh}不能超过{n}个字", "{en} must be at most {n} characters"),
    "text.pattern": ("{zh}的格式不正确", "{en} is not in the expected format"),
    "cjk_name": (
        "{zh}应为2至30个汉字，少数民族姓名各部分用“·”连接",
        "{en} must be 2 to 30 Chinese characters, with parts joined by “·”",
    ),
    "email": ("{zh}不是有效的电子邮箱地址", "{en} is not a valid email address"),
    "phone": ("{zh}应为11位中国大陆手机号码", "{en} must be an 11-digit mainland mobile number"),
    "region_code": ("{zh}不是有效的行政区划代码", "{en} is not a valid region code"),
    "region_code.level": ("{zh}请选择到{level_zh}", "{en} must be a {level_en}"),
    "date.format": ("{zh}应为日期，如2024-01-31", "{en} must be a date such as 2024-01-31"),
    "datetime.format": (
        "{zh}应为日期和时间，如2024-01-31T08:30:00+08:00",
        "{en} must be a date and time such as 2024-01-31T08:30:00+08:00",
    ),
    "date.min": ("{zh}不能早于{date}", "{en} cannot be earlier than {date}"),
    "date.max": ("{zh}不能晚于{date}", "{en} cannot be later than {date}"),
    "date.after": ("{zh}不能早于{other_zh}", "{en} cannot be earlier than {other_en}"),
    "id_number.sex": ("{zh}不是{sex_zh}性的号码", "{en} is not a {sex_en}'s ID number"),
    "id_number.born_after": (
        "{zh}对应的出生日期不能晚于{date}，不符合年龄要求",
        "{en}: the holder must be born on or before {date} to meet the age requirement",
    ),
    "id_number.born_before": (
        "{zh}对应的出生日期不能早于{date}，不符合年龄要求",
        "{en}: the holder must be born on or after {date} to meet the age requirement",
    ),
    "integer": ("{zh}应为整数", "{en} must be a whole number"),
    "number.min": ("{zh}不能小于{n}{unit_zh}", "{en} must be at least {n}{unit_en}"),
    "number.max": ("{zh}不能大于{n}{unit_zh}", "{en} must be at most {n}{unit_en}"),
    "money.format": (
        "{zh}应为以元为单位的金额，最多两位小数",
        "{en} must be an amount in yuan with at most two decimals",
    ),
    "bank_card": (
        "{zh}不是有效的银行卡号（12至19位数字，校验位不符）",
        "{en} is not a valid bank card number (12 to 19 digits with a valid check digit)",
    ),
    "enum": ("{zh}请从给出的选项中选择", "{en}: please choose one of the options"),
    "boolean": ("{zh}请选择“是”或“否”", "{en}: please answer yes or no"),
    "file.reference": ("{zh}请先上传文件", "{en} must refer to an uploaded file"),
    "situation.answer": ("“{zh}”的回答无效", "The answer to “{en}” is not one of the options"),
    "situation.changed": (
        "“{zh}”的回答与生成表单时选择的情形不一致，请重新选择办理情形",
        "The answer to “{en}” differs from the one the form was made for; "
        "choose the situation again",
    ),
}

REGION_LEVELS: Final[dict[str, tuple[str, str]]] = {
    "province": ("省级", "province-level region"),
    "city": ("地市级", "city-level region"),
    "county": ("区县级", "county-level region (county or district)"),
}
SEXES: Final[dict[str, tuple[str, str]]] = {"female": ("女", "woman"), "male": ("男", "man")}


def render(code: str, zh: str, en: str, **params: object) -> tuple[str, str]:
    """The zh-CN and en message for ``code``, with the field labels and parameters filled in."""
    template_zh, template_en = MESSAGES[code]
    return (
        template_zh.format(zh=zh, en=en, **params),
        template_en.format(zh=zh, en=en, **params),
    )
