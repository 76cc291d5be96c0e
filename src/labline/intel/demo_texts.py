"""Texts for the demo world's document collection, written for labline (summaries in our
own words of public policy themes; not copies of any publication), so `make demo` shows
the document workflow on a machine without the shared data."""

from __future__ import annotations

# A policy document and a news site's reprint of it (its text and a source line): the
# demo shows the reprint as a near-duplicate of the original.
_TRANSFER: dict[str, str] = {
    "title": "关于推进科技成果转化的实施办法（示例）",
    "source": "示例市科学技术局",
    "date": "2026-08-01",
    "doc_number": "示科发〔2026〕9号",
    "text": """关于推进科技成果转化的实施办法（示例）
示科发〔2026〕9号
为打通科技成果从实验室到市场的通道，制定本办法。
一、赋予科研人员成果所有权或长期使用权
高校和科研院所可将职务科技成果所有权或不低于10年的长期使用权赋予成果完成人。
二、提高转化收益分配比例
以转让、许可方式转化的，净收入的70%以上奖励给成果完成人和作出重要贡献的人员。
三、建设技术转移服务体系
支持建设概念验证中心和中试基地，对年服务项目超过50项的技术转移机构给予最高200万元奖励。
四、培育技术经理人队伍
到2028年培养持证技术经理人1000名，纳入本市紧缺人才目录。
示例市科学技术局
2026年8月1日""",
}


def _reprint(doc: dict[str, str], *, source: str, date: str) -> dict[str, str]:
    """`doc` as another site republishes it: the same text, with the site named below."""
    return {
        **doc,
        "title": f"{doc['title']}（转载）",
        "source": source,
        "date": date,
        "text": f"{doc['text']}\n（来源：{source}）",
    }


DEMO_DOCUMENTS: list[dict[str, str]] = [
    {
        "title": "关于加强基础研究和原始创新的若干意见（示例）",
        "source": "示例市人民政府",
        "date": "2026-03-12",
        "doc_number": "示政发〔2026〕3号",
        "text": """关于加强基础研究和原始创新的若干意见（示例）
示政发〔2026〕3号
各区人民政府，市政府各部门：
基础研究是整个科学体系的源头，是原始创新的总开关。为提升本市原始创新能力，现提出如下意见。
一、加大基础研究投入
到2028年，全市基础研究经费占研发经费比重提高到12%以上。市财政设立基础研究专项，每年安排不少于5亿元，稳定支持自由探索类研究。
鼓励企业、社会组织通过设立基金、捐赠等方式投入基础研究，对企业基础研究投入按150%比例给予税前加计扣除政策宣传和落实服务。
二、建设高水平创新平台
支持高校和科研院所围绕钙钛矿光伏、量子信息、合成生物等方向建设前沿交叉研究平台。对新获批的国家重点实验室给予最高3000万元支持。
推动大型科研仪器开放共享，年度开放机时达到总机时的60%以上的，给予运行补贴。
三、改革科研组织和评价方式
推行“揭榜挂帅”和首席科学家负责制，赋予科研人员更大技术路线决定权和经费使用权。
建立以创新价值、能力、贡献为导向的评价体系，基础研究以同行评议为主，评价周期不少于5年。
四、保障措施
各区、各部门要加强组织领导，每年向市政府报告落实情况。本意见自印发之日起施行。
示例市人民政府
2026年3月12日""",
    },
    {
        "title": "关于综合整治“内卷式”竞争、促进产业健康发展的通知（示例）",
        "source": "示例市发展和改革委员会",
        "date": "2026-05-20",
        "doc_number": "示发改〔2026〕18号",
        "text": """关于综合整治“内卷式”竞争、促进产业健康发展的通知（示例）
示发改〔2026〕18号
近年来，光伏、锂电池、新能源汽车等行业出现低价无序竞争，部分产品价格低于成本，企业利润率降至3%以下，影响行业长期发展。
一、规范市场价格行为
依法查处低于成本价倾销、虚假宣传等行为，引导行业协会建立价格自律机制。
二、优化产能布局
严格控制新增低端产能，对能耗和技术指标未达标准的项目不予备案。2026年底前，淘汰落后产能不少于200万千瓦。
三、引导企业转向创新竞争
支持企业加大研发投入，对研发投入强度超过5%的企业在项目申报中优先支持。鼓励龙头企业与高校共建联合实验室。
四、加强监测和评估
建立重点行业产能、价格和利润监测机制，每季度发布一次行业运行报告。
示例市发展和改革委员会
2026年5月20日""",
    },
    _TRANSFER,
    _reprint(_TRANSFER, source="示例科技网", date="2026-08-02"),
    {
        "title": "Remarks on basic research and the next generation of innovation (example)",
        "source": "Example City Office of Science",
        "date": "2026-04-02",
        "text": """Remarks on basic research and the next generation of innovation (example)

Thank you all for coming. Today I want to talk about why basic research matters for every family in this region.

Over the past decade our universities have doubled their research output, and three of every four new companies started here grew out of a laboratory.

First, we will raise public funding for basic research by 20 percent over the next two years, with a stable share set aside for curiosity-driven work.

Second, we will open shared facilities to start-ups. Beamlines, clean rooms and supercomputers paid for by the public should be used by the public, and we will aim for 60 percent of instrument hours to be available to outside users.

Third, we will make it easier to turn discoveries into products. Inventors will keep a larger share of licensing income, and proof-of-concept grants will help them cross the valley of death.

Innovation is not a slogan. It is the patient work of scientists and engineers, and it deserves our long-term support.""",
    },
    {
        "title": "Statement on fair competition in the solar and battery industries (example)",
        "source": "Example City Office of Science",
        "date": "2026-06-15",
        "text": """Statement on fair competition in the solar and battery industries (example)

Prices for solar modules and battery cells have fallen by more than 40 percent in two years, and many manufacturers now sell below cost.

This race to the bottom hurts workers and suppliers, and it starves companies of the profits they need for research.

We will work with industry associations on voluntary pricing discipline and enforce the rules against dumping and false advertising.

We will not approve new low-end capacity that fails energy and technology standards.

Companies that invest more than 5 percent of revenue in research will receive priority in public programmes, so that competition moves from price to technology.""",
    },
]
