"""The local document Lanshan ships with its plugin (hook ``qingdan_legal_documents``).

Sample data like the rest of the plugin: a district normative document stating the rules the
plugin's lists follow (the three power lists, financial shares, the negative list), so that the
district's items can cite a district document the shared library cannot hold.
"""

from __future__ import annotations

from core.plugin_api.types import LegalDocument

TITLE = "兰山区事权清单管理办法（示例）"

TEXT = f"""# {TITLE}
2023年6月1日 临沂市兰山区人民政府印发（示例文本，非正式文件）
<!-- INFO END -->
## 第一章 总则
第一条 为了规范区、镇（街道）事权划分，落实“1+X”事权改革，制定本办法。
第二条 本办法所称事权清单，包括区级统筹的核心事权清单、区镇共有重要事权清单和区级调整下放事权清单。
## 第二章 清单管理
第三条 区镇共有重要事权应当同时明确主体责任和配合责任，并写明各方的财权分配占比，占比合计为百分之一百。
第四条 区级统筹的核心事权不由镇（街道）承担主体责任。
第五条 村（社区）干部“负面清单”所列事项，应当写明问责情形。
## 第三章 附则
第六条 本办法自印发之日起施行。
"""

DOCUMENTS = (
    LegalDocument(text=TEXT, level="规范性文件", issuer="临沂市兰山区人民政府", doc_number="兰政发〔2023〕示例号"),
)
