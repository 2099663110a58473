"""The classifier's classes: the label set of the corpus and the model, and their Chinese names.

(The Chinese display names of the SPEC enums, used by reports and the UI, are `screening.labels`.)
"""
from __future__ import annotations

LABELS = ("normal", "personal_private", "state_secret", "work_secret")
SENSITIVE = ("state_secret", "work_secret", "personal_private")
NAMES = {"normal": "正常（可公开）", "personal_private": "个人隐私", "state_secret": "国家秘密", "work_secret": "工作秘密"}
