"""The demo calls' vocabulary: bilingual topics, angles and criteria."""

from __future__ import annotations

# (zh title, en title, keywords) — topics of a provincial key R&D programme.
TOPICS = [
    (
        "钙钛矿/晶硅叠层太阳能电池效率提升",
        "Higher-efficiency perovskite/silicon tandem solar cells",
        "perovskite, tandem, photovoltaics, 钙钛矿, 光伏",
    ),
    (
        "全固态锂电池硫化物电解质界面稳定性",
        "Interface stability of sulfide electrolytes in solid-state lithium batteries",
        "solid-state battery, sulfide electrolyte, lithium, 固态电池",
    ),
    (
        "钠离子电池层状氧化物正极",
        "Layered oxide cathodes for sodium-ion batteries",
        "sodium-ion, cathode, energy storage, 钠离子电池",
    ),
    (
        "氢燃料电池低铂催化剂",
        "Low-platinum catalysts for hydrogen fuel cells",
        "fuel cell, platinum, catalyst, hydrogen, 燃料电池",
    ),
    (
        "碳化硅功率器件栅氧可靠性",
        "Gate-oxide reliability of silicon carbide power devices",
        "silicon carbide, SiC, power electronics, 碳化硅",
    ),
    (
        "28纳米工艺良率的机器学习预测",
        "Machine-learning yield prediction for 28 nm processes",
        "semiconductor yield, machine learning, lithography, 良率",
    ),
    (
        "大模型驱动的工业质检",
        "Large-model visual inspection for manufacturing",
        "computer vision, defect detection, industrial AI, 工业质检",
    ),
    (
        "CRISPR 基因编辑提高水稻抗旱性",
        "CRISPR gene editing for drought-tolerant rice",
        "CRISPR, gene editing, rice, drought, 基因编辑",
    ),
    (
        "mRNA 疫苗递送脂质纳米颗粒",
        "Lipid nanoparticles for mRNA vaccine delivery",
        "mRNA, lipid nanoparticle, vaccine, 疫苗",
    ),
    (
        "单细胞测序解析肿瘤微环境",
        "Single-cell sequencing of the tumour microenvironment",
        "single-cell, tumour, immunology, 单细胞测序",
    ),
    (
        "脑机接口柔性电极",
        "Flexible electrodes for brain-computer interfaces",
        "brain-computer interface, flexible electrode, neural recording, 脑机接口",
    ),
    (
        "量子点微显示全彩化",
        "Full-colour quantum-dot micro-displays",
        "quantum dot, micro-LED, display, 量子点",
    ),
    (
        "超导量子比特相干时间延长",
        "Longer coherence in superconducting qubits",
        "quantum computing, superconducting qubit, coherence, 量子计算",
    ),
    (
        "新能源汽车电驱系统热管理",
        "Thermal management of electric-vehicle drive systems",
        "electric vehicle, thermal management, motor, 新能源汽车",
    ),
    (
        "自动驾驶激光雷达点云感知",
        "LiDAR point-cloud perception for autonomous driving",
        "autonomous driving, LiDAR, point cloud, 自动驾驶",
    ),
    (
        "高熵合金增材制造",
        "Additive manufacturing of high-entropy alloys",
        "high-entropy alloy, additive manufacturing, 3D printing, 增材制造",
    ),
    (
        "钢铁行业氢冶金低碳工艺",
        "Hydrogen-based low-carbon ironmaking",
        "hydrogen metallurgy, steel, decarbonisation, 氢冶金",
    ),
    (
        "二氧化碳电催化制乙烯",
        "Electrocatalytic CO2 reduction to ethylene",
        "CO2 reduction, electrocatalysis, ethylene, 二氧化碳",
    ),
    (
        "海水淡化石墨烯膜",
        "Graphene membranes for seawater desalination",
        "graphene, membrane, desalination, 海水淡化",
    ),
    (
        "合成生物学生产天然产物",
        "Synthetic biology routes to natural products",
        "synthetic biology, metabolic engineering, natural products, 合成生物学",
    ),
]
ANGLES = [
    ("机理研究", "mechanisms"),
    ("关键技术与中试验证", "key technologies and a pilot-scale demonstration"),
    ("颠覆性新路线探索", "a radically new route"),
]
CRITERIA = [
    ("originality", "原创性", "Originality", 1.0, True),
    ("value", "科学价值", "Scientific value", 1.5, False),
    ("feasibility", "可行性", "Feasibility", 1.0, False),
    ("team", "团队基础", "Team", 0.5, False),
]
