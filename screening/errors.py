"""Errors. A document that cannot be read raises UnreadableDocument(code, message)."""
from __future__ import annotations


class ScreeningError(Exception):
    """Base class for every error this package raises on purpose."""


class RuleError(ScreeningError):
    """A rule file is invalid: the message names the file and the rule id."""


class ModelError(ScreeningError):
    """The classifier artifact is missing, corrupt or built for another library version."""


class UnreadableDocument(ScreeningError):
    """A document that could not be screened. `code` is stable (SPEC §2/§3 `error.code`)."""

    CODES = {
        "not_found": "文件不存在",
        "unsupported_format": "不支持的文件格式",
        "corrupt": "文件已损坏，无法解析",
        "encrypted": "文件已加密，无法读取内容",
        "too_large": "文件超过大小限制",
        "zip_bomb": "压缩结构异常（疑似压缩炸弹），已拒绝",
        "hostile_content": "文件含有不安全的结构，已拒绝",
        "timeout": "解析超时，已中止",
        "memory_limit": "解析所需内存超过限制，已中止",
        "encoding": "无法识别文本编码",
        "empty": "文件中没有可读取的文本",
        "worker_failed": "工作主机处理该文件时异常中止（超时或进程退出），请重新审查",
    }

    def __init__(self, code: str, message: str | None = None) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.message = message or self.CODES[code]
        super().__init__(f"{code}: {self.message}")
