"""Pages and news of Cambodia Post's philatelic shop, in Khmer and English."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_KM = p(
    "## តែមដំបូង ឆ្នាំ១៩៥១",
    "មុនឆ្នាំ១៩៥១ កម្ពុជាប្រើតែមប្រៃសណីយ៍របស់ឥណ្ឌូចិនបារាំង។ នៅថ្ងៃទី៣ ខែវិច្ឆិកា ឆ្នាំ១៩៥១ "
    "ព្រះរាជាណាចក្រកម្ពុជាបានចេញផ្សាយតែមដំបូងរបស់ខ្លួន ដែលមានព្រះបរមរូបព្រះបាទនរោត្តម សីហនុ "
    "និងគំនូរសិល្បៈខ្មែរ។ នៅថ្ងៃទី២១ ខែធ្នូ ឆ្នាំដដែល "
    "កម្ពុជាបានចូលជាសមាជិកសហភាពប្រៃសណីយ៍សកល។",
    "## ឆ្នាំនៃភាពស្ងាត់ស្ងៀម",
    "ពីឆ្នាំ១៩៧៥ ដល់ឆ្នាំ១៩៧៩ សេវាប្រៃសណីយ៍ត្រូវបានលុបចោល ហើយគ្មានតែមចេញផ្សាយទេ។ "
    "តែមបានចេញផ្សាយឡើងវិញនៅឆ្នាំ១៩៨០ ក្នុងសម័យសាធារណរដ្ឋប្រជាមានិតកម្ពុជា បន្ទាប់មករដ្ឋកម្ពុជា "
    "(១៩៨៩) និងតាំងពីឆ្នាំ១៩៩៣ ព្រះរាជាណាចក្រកម្ពុជា។",
    "## វិស័យតែមសព្វថ្ងៃ",
    "ប្រៃសណីយ៍កម្ពុជាចេញផ្សាយតែមអំពីប្រាសាទអង្គរ របាំ និងតន្ត្រីខ្មែរ "
    "សត្វព្រៃនៃទន្លេមេគង្គ និងជួរភ្នំក្រវាញ ព្រមទាំងសត្វប្រចាំឆ្នាំនៃបុណ្យចូលឆ្នាំខ្មែរ។ "
    "តាំងពីឆ្នាំ២០០២ តែមនីមួយៗត្រូវបានចុះបញ្ជីក្នុងប្រព័ន្ធលេខ WNS "
    "របស់សហភាពប្រៃសណីយ៍សកល។",
)

HISTORY_EN = p(
    "## The first stamps, 1951",
    "Until 1951 Cambodia used the stamps of French Indochina. On 3 November 1951 the Kingdom "
    "issued its own first stamps, with the portrait of King Norodom Sihanouk and motifs of "
    "Khmer art. On 21 December of the same year Cambodia joined the Universal Postal Union.",
    "## Years of silence",
    "From 1975 to 1979 the postal service was abolished and no stamps were issued. Stamps "
    "returned in 1980 under the People's Republic of Kampuchea, followed by the State of "
    "Cambodia (1989) and, since 1993, the Kingdom of Cambodia.",
    "## Philately today",
    "Cambodia Post issues stamps on the temples of Angkor, Khmer dance and music, the wildlife "
    "of the Mekong and the Cardamom Mountains, and the zodiac animal of each Khmer New Year. "
    "Since 2002 every stamp has been registered in the UPU's WNS numbering system.",
)

ABOUT_KM = p(
    "ប្រៃសណីយ៍កម្ពុជាជាប្រតិបត្តិករប្រៃសណីយ៍ជាតិនៃព្រះរាជាណាចក្រកម្ពុជា "
    "ក្រោមក្រសួងប្រៃសណីយ៍ និងទូរគមនាគមន៍ ហើយមានការិយាល័យប្រៃសណីយ៍នៅគ្រប់ខេត្ត។",
    "## ហាងតែមប្រៃសណីយ៍",
    "យើងលក់តែមថ្មី សន្លឹកតែមអនុស្សាវរីយ៍ និងស្រោមសំបុត្រថ្ងៃចេញផ្សាយដំបូង តាមតម្លៃមុខតែម "
    "ហើយផ្ញើទៅគ្រប់ប្រទេសជាអនុសិដ្ឋ។",
)

ABOUT_EN = p(
    "Cambodia Post is the national postal operator of the Kingdom of Cambodia, under the "
    "Ministry of Posts and Telecommunications, with post offices in every province.",
    "## The Philatelic Shop",
    "We sell new stamps, souvenir sheets and first day covers at face value, and send them to "
    "every country by registered mail.",
)

FAQ_KM = p(
    "## តើតែមលក់តាមតម្លៃមុខតែមឬទេ?",
    "តែមថ្មីលក់តាមតម្លៃមុខតែម។ ស្រោមសំបុត្រថ្ងៃចេញផ្សាយដំបូងរួមបញ្ចូលតម្លៃស្រោមសំបុត្រ។",
    "## តើលេខ WNS ជាអ្វី?",
    "លេខដែលសហភាពប្រៃសណីយ៍សកលចុះបញ្ជីតែមនីមួយៗ ឧទាហរណ៍ KH005.24។",
    "## តើអាចផ្ញើទៅក្រៅប្រទេសបានទេ?",
    "បាន។ យើងផ្ញើទៅគ្រប់ប្រទេស ជាមួយលិខិតប្រកាសគយ CN22 ឬ CN23។",
    "## តើតម្លៃគិតជារូបិយប័ណ្ណអ្វី?",
    "តម្លៃគិតជាប្រាក់រៀល។ អ្នកអាចមើលតម្លៃប្រហាក់ប្រហែលជារូបិយប័ណ្ណរបស់អ្នក "
    "ហើយបង់ប្រាក់ជារូបិយប័ណ្ណដែលអ្នកជ្រើសរើស។",
    "## តើអាចបង់ប្រាក់ដោយរបៀបណា?",
    "ដោយកាតឥណទាន ការផ្ទេរប្រាក់តាមធនាគារ ឬនៅបញ្ជរប្រៃសណីយ៍ ដោយប្រើលេខយោងនៃការបង់ប្រាក់។",
)

FAQ_EN = p(
    "## Are stamps sold at face value?",
    "New stamps are sold at face value. First day covers include the price of the cover.",
    "## What is the WNS number?",
    "The number under which the Universal Postal Union registers each stamp, e.g. KH005.24.",
    "## Do you ship abroad?",
    "Yes. We ship to every country, with a CN22 or CN23 customs declaration.",
    "## What currency are prices in?",
    "Prices are in riel. You can see approximate prices in your own currency and pay in the "
    "currency you choose.",
    "## How can I pay?",
    "By credit card, by bank transfer or at a post office counter with the payment reference.",
)

PAGES = {
    "history": ({"km": "ប្រវត្តិតែមប្រៃសណីយ៍កម្ពុជា", "en": "History of Cambodian stamps"},
                {"km": HISTORY_KM, "en": HISTORY_EN}),
    "about": ({"km": "អំពីប្រៃសណីយ៍កម្ពុជា", "en": "About Cambodia Post"},
              {"km": ABOUT_KM, "en": ABOUT_EN}),
    "faq": ({"km": "សំណួរដែលសួរញឹកញាប់", "en": "Frequently asked questions"},
            {"km": FAQ_KM, "en": FAQ_EN}),
}

NEWS = (
    NewsSpec("year-of-the-horse-2026", date(2026, 4, 1),
             {"km": "តែមឆ្នាំមមី ២០២៦", "en": "Year of the Horse stamps 2026"},
             {"km": "តែមថ្មីសម្រាប់បុណ្យចូលឆ្នាំខ្មែរ មានលក់នៅហាងតែមហើយ។",
              "en": "New stamps for the Khmer New Year are now on sale."}),
    NewsSpec("coronation-20-years", date(2024, 10, 29),
             {"km": "ខួបលើកទី២០ នៃការគ្រងរាជ្យ", "en": "20 years of the reign"},
             {"km": "សន្លឹកតែមអនុស្សាវរីយ៍ពិសេស ដើម្បីអបអរព្រះមហាក្សត្រ។",
              "en": "A special souvenir sheet in honour of the King."}),
    NewsSpec("shop-joins-post-mall", date(2024, 4, 22),
             {"km": "ហាងតែមរបស់យើងនៅក្នុង Post Mall", "en": "Our shop joins the Post Mall"},
             {"km": "ឥឡូវនេះ អ្នកអាចទិញតែមកម្ពុជា ជាមួយតែមរបស់ប្រៃសណីយ៍ផ្សេងទៀត "
                    "ក្នុងរទេះតែមួយ។",
              "en": "You can now buy Cambodian stamps together with other posts' stamps in a "
                    "single cart."}),
    NewsSpec("independence-70-years", date(2023, 11, 9),
             {"km": "៧០ឆ្នាំនៃឯករាជ្យជាតិ", "en": "70 years of independence"},
             {"km": "តែមអនុស្សាវរីយ៍សម្រាប់ថ្ងៃទី៩ ខែវិច្ឆិកា។",
              "en": "Commemorative stamps for 9 November."}),
    NewsSpec("sea-games-2023", date(2023, 5, 5),
             {"km": "តែមស៊ីហ្គេម ២០២៣", "en": "SEA Games 2023 stamps"},
             {"km": "តែមបួនដួងសម្រាប់ព្រឹត្តិការណ៍កីឡាអាស៊ីអាគ្នេយ៍នៅភ្នំពេញ។",
              "en": "Four stamps for the South-East Asian Games in Phnom Penh."}),
    NewsSpec("cambodian-stamps-70-years", date(2021, 11, 3),
             {"km": "៧០ឆ្នាំនៃតែមប្រៃសណីយ៍កម្ពុជា", "en": "70 years of Cambodian stamps"},
             {"km": "សន្លឹកតែមអនុស្សាវរីយ៍រំលឹកតែមដំបូងឆ្នាំ១៩៥១។",
              "en": "A souvenir sheet recalls the first stamps of 1951."}),
)
