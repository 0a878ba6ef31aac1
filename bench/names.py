"""Vietnamese building blocks for generated units, people and model names.

Everything is picked with a seeded `random.Random`, so a preset always yields the same data.
"""

from __future__ import annotations

# The 34 provinces and cities after the 2025 merger.
PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
    "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình",
    "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Đồng Nai",
    "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang", "Cao Bằng", "Điện Biên",
    "Hà Tĩnh", "Lai Châu", "Lạng Sơn", "Nghệ An", "Quảng Ninh", "Thanh Hóa", "Sơn La",
]

DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp"), ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"), ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"), ("STC", "Sở Tài chính"),
    ("SXD", "Sở Xây dựng"), ("SCT", "Sở Công Thương"), ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo"), ("SNGV", "Sở Ngoại vụ"), ("TTR", "Thanh tra tỉnh"),
    ("VPUB", "Văn phòng UBND tỉnh"), ("CAT", "Công an tỉnh"), ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh"),
    ("BHXH", "Bảo hiểm xã hội tỉnh"), ("BQLKKT", "Ban Quản lý các khu công nghiệp"),
]

ORGANISATIONS = [
    ("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh"), ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("HND", "Hội Nông dân tỉnh"), ("HCCB", "Hội Cựu chiến binh tỉnh"),
    ("TDTN", "Tỉnh đoàn"), ("LDLD", "Liên đoàn Lao động tỉnh"),
]

PUBLIC_SERVICES = [
    ("BVDK", "Bệnh viện Đa khoa tỉnh"), ("TTKSBT", "Trung tâm Kiểm soát bệnh tật tỉnh"),
    ("TCD", "Trường Cao đẳng tỉnh"), ("DPTTH", "Đài Phát thanh và Truyền hình tỉnh"),
]

# Syllables for commune names: "UBND xã Tân Phú", "UBND phường Hòa Bình".
PLACE_FIRST = [
    "Tân", "An", "Hòa", "Phú", "Bình", "Thạnh", "Long", "Đông", "Tây", "Nam", "Bắc", "Vĩnh",
    "Hưng", "Phước", "Thuận", "Quang", "Mỹ", "Xuân", "Hồng", "Kim", "Đức", "Trung", "Yên", "Gia",
]
PLACE_SECOND = [
    "Phú", "Lợi", "Hòa", "An", "Bình", "Thịnh", "Hưng", "Lộc", "Thành", "Tiến", "Phong", "Sơn",
    "Hải", "Lâm", "Điền", "Khánh", "Nghĩa", "Đồng", "Thái", "Minh", "Quý", "Trường", "Định", "Lạc",
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quang", "Hữu", "Ngọc", "Thanh", "Đức", "Xuân", "Hoài"]
GIVEN = ["Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phong", "Phương",
         "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vân", "Việt", "Yến"]
POSITIONS = ["Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Phó Giám đốc", "Chủ tịch UBND xã",
             "Phó Chủ tịch UBND xã", "Bí thư Chi bộ", "Trưởng thôn", "Công chức Văn hóa - xã hội"]

# Model names: "<lead> <action> <topic>" (+ " tại <place>"), e.g.
# "Mô hình Cùng dân xây dựng nông thôn mới kiểu mẫu tại xã Tân Phú".
NAME_LEADS = ["Mô hình", "Mô hình “Dân vận khéo”", "Điển hình", "Sáng kiến", "Phong trào"]
NAME_ACTIONS = ["Chung tay", "Cùng dân", "Vì dân", "Đồng hành cùng người dân trong",
                "Hỗ trợ", "Dân vận khéo trong", "Nâng cao hiệu quả", "Tuyên truyền, vận động"]
NAME_TOPICS = [
    ("xây dựng nông thôn mới kiểu mẫu", "economy", ["nông thôn mới", "hạ tầng"]),
    ("hiến đất mở rộng đường giao thông", "economy", ["giao thông", "hiến đất"]),
    ("chuyển đổi số cấp xã", "political_system", ["chuyển đổi số"]),
    ("cải cách thủ tục hành chính", "political_system", ["cải cách hành chính"]),
    ("tiếp nhận hồ sơ tận nhà cho người cao tuổi", "political_system", ["cải cách hành chính", "người cao tuổi"]),
    ("xóa nhà tạm, nhà dột nát", "culture_society", ["an sinh xã hội", "nhà ở"]),
    ("bảo vệ môi trường, phân loại rác tại nguồn", "culture_society", ["môi trường"]),
    ("phát triển du lịch cộng đồng", "economy", ["du lịch"]),
    ("phòng, chống tội phạm và tệ nạn xã hội", "defence_security", ["an ninh trật tự"]),
    ("camera an ninh khu dân cư", "defence_security", ["an ninh trật tự", "chuyển đổi số"]),
    ("tổ tự quản đường biên, cột mốc", "defence_security", ["biên giới"]),
    ("khuyến học, khuyến tài", "culture_society", ["giáo dục"]),
    ("chăm sóc sức khỏe ban đầu cho Nhân dân", "culture_society", ["y tế"]),
    ("sản phẩm OCOP gắn với hợp tác xã", "economy", ["OCOP", "kinh tế tập thể"]),
    ("dân vận chính quyền, tiếp công dân", "political_system", ["tiếp công dân"]),
    ("phụ nữ khởi nghiệp", "economy", ["phụ nữ", "khởi nghiệp"]),
    ("thanh niên tình nguyện vì cộng đồng", "culture_society", ["thanh niên"]),
    ("bảo tồn văn hóa đồng bào dân tộc thiểu số", "culture_society", ["dân tộc", "văn hóa"]),
    ("đoàn kết tôn giáo, sống tốt đời đẹp đạo", "political_system", ["tôn giáo"]),
    ("giảm nghèo bền vững", "economy", ["giảm nghèo", "an sinh xã hội"]),
]

PARAGRAPH = (
    "Trước đây người dân trên địa bàn còn gặp nhiều khó khăn, việc tuyên truyền, vận động chưa "
    "đạt hiệu quả cao. Thực hiện phương châm “dân biết, dân bàn, dân làm, dân kiểm tra, dân giám "
    "sát, dân thụ hưởng”, đơn vị đã xây dựng kế hoạch, phân công cán bộ phụ trách, phối hợp với "
    "Mặt trận Tổ quốc và các đoàn thể vận động Nhân dân cùng tham gia. "
)
