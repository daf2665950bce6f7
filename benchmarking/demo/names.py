"""Name parts, workflow comments and the demo logins.

The trade-name characters, surnames and given-name characters are common ones;
any resemblance of a generated name to a real firm or person is chance.
"""

from dataclasses import dataclass

from ..choices import Role

# ---------------------------------------------------------------------------
# Name parts
# ---------------------------------------------------------------------------

# The name tables stay in rows: one entry per line would make them hard to read.
# fmt: off
# Trade-name characters with their pinyin (for e-mail addresses).
BRAND_CHARS: tuple[tuple[str, str], ...] = (
    ("恒", "heng"), ("盛", "sheng"), ("达", "da"), ("宏", "hong"), ("鑫", "xin"), ("华", "hua"),
    ("金", "jin"), ("泰", "tai"), ("安", "an"), ("宇", "yu"), ("凯", "kai"), ("锦", "jin"),
    ("嘉", "jia"), ("正", "zheng"), ("顺", "shun"), ("丰", "feng"), ("利", "li"), ("通", "tong"),
    ("隆", "long"), ("兴", "xing"), ("航", "hang"), ("博", "bo"), ("瑞", "rui"), ("康", "kang"),
    ("腾", "teng"), ("新", "xin"), ("亿", "yi"), ("威", "wei"), ("邦", "bang"), ("信", "xin"),
    ("捷", "jie"), ("豪", "hao"), ("佳", "jia"), ("联", "lian"), ("创", "chuang"), ("汇", "hui"),
    ("德", "de"), ("美", "mei"), ("欧", "ou"), ("尚", "shang"), ("优", "you"), ("乐", "le"),
    ("天", "tian"), ("海", "hai"), ("振", "zhen"), ("卓", "zhuo"), ("祥", "xiang"), ("荣", "rong"),
    ("舜", "shun"), ("拓", "tuo"), ("骏", "jun"), ("朗", "lang"),
)
# Trade names of well-known Yongkang firms the generator must not reproduce.
RESERVED_BRANDS = frozenset({"王力", "步阳", "星月", "群升", "飞剑", "中坚", "哈尔斯", "英洛华", "天鹅"})

# Common surnames in Yongkang, the first ones most common.
SURNAMES = (
    "胡", "应", "陈", "徐", "李", "吕", "朱", "程", "王", "施", "周", "俞", "楼", "黄", "章", "卢",
    "金", "杨", "潘", "颜", "丁", "吴", "刘", "叶", "林", "孙", "赵", "童", "舒", "厉",
)
GIVEN_CHARS = (
    "建", "国", "伟", "军", "明", "华", "平", "志", "强", "海", "林", "斌", "勇", "新", "文", "辉",
    "晓", "燕", "丽", "红", "芳", "敏", "杰", "涛", "亮", "锋", "飞", "俊", "云", "峰", "鹏", "波",
    "刚", "英", "慧", "静", "超", "磊", "洁", "雪", "春", "永", "金", "荣", "益", "航",
)
# fmt: on

# ---------------------------------------------------------------------------
# Workflow comments
# ---------------------------------------------------------------------------

RETURN_REASONS = (
    "检测报告未加盖 CMA 章，请补充盖章版本后重新提交。",
    "执行标准编号有误，请与企业标准信息公共服务平台上的自我声明核对一致。",
    "“{indicator}”声明值与检测报告不一致，请核对。",
    "检测报告已超过一年有效期，请提供近一年内的检测报告。",
    "产品型号与检测报告所列型号不一致，请核对。",
)
WITHDRAW_REASONS = (
    "企业申请撤回：该型号已停产。",
    "监督抽查发现“{indicator}”实测值与声明不符，予以撤回。",
    "企业申请撤回：产品已改型，原型号不再生产。",
)
# For a declaration withdrawn so that the same product can be declared again.
REDECLARE_REASONS = (
    "企业更新了执行标准，撤回后按新标准重新声明。",
    "检测报告有误，企业申请撤回后重新声明。",
    "“{indicator}”检测数据更新，企业申请撤回后重新声明。",
)
SUBMIT_COMMENTS = ("", "", "请审核。", "已按要求补充检测报告。", "纸质材料已核对，提交审核。")

# ---------------------------------------------------------------------------
# The plan and the logins
# ---------------------------------------------------------------------------

PLAN_NAME = "永康市对标达标千项计划（2024—2026年）"


@dataclass(frozen=True)
class LoginTemplate:
    username: str
    password: str
    role: str
    last_name: str
    first_name: str
    # The office code (branch staff) or "A"/"B" (enterprise users) the login acts for.
    acts_for: str = ""


# Demo-only passwords, printed by the command; never use them anywhere real.
LOGINS: tuple[LoginTemplate, ...] = (
    LoginTemplate("bureau", "Demo-Bureau-2026", Role.BUREAU_STAFF, "应", "立新"),
    LoginTemplate("branch", "Demo-Branch-2026", Role.BRANCH_STAFF, "胡", "晓燕", acts_for="DC"),
    LoginTemplate("manager", "Demo-Manager-2026", Role.MANAGER, "程", "建国"),
    LoginTemplate("enterprise_a", "Demo-EntA-2026", Role.ENTERPRISE, "吕", "海峰", acts_for="A"),
    LoginTemplate("enterprise_b", "Demo-EntB-2026", Role.ENTERPRISE, "徐", "丽芳", acts_for="B"),
)
