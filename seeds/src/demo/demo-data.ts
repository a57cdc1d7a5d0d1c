/** Reference data for the demo generator: cities with GB/T 2260 codes, names, banks. */

export interface City {
  name: string;
  /** GB/T 2260 division code used in USCC positions 3–8. */
  region: string;
  /** Telephone area code. */
  area: string;
  /** First three digits of the city's postal codes. */
  postal: string;
  districts: string[];
}

export const CITIES: City[] = [
  { name: '北京', region: '110105', area: '010', postal: '100', districts: ['朝阳区', '海淀区', '丰台区', '东城区', '西城区'] },
  { name: '上海', region: '310115', area: '021', postal: '200', districts: ['浦东新区', '徐汇区', '闵行区', '静安区', '嘉定区'] },
  { name: '广州', region: '440106', area: '020', postal: '510', districts: ['天河区', '越秀区', '海珠区', '番禺区', '白云区'] },
  { name: '深圳', region: '440305', area: '0755', postal: '518', districts: ['南山区', '福田区', '宝安区', '龙岗区', '罗湖区'] },
  { name: '杭州', region: '330106', area: '0571', postal: '310', districts: ['西湖区', '滨江区', '余杭区', '拱墅区', '萧山区'] },
  { name: '南京', region: '320106', area: '025', postal: '210', districts: ['鼓楼区', '玄武区', '江宁区', '建邺区', '栖霞区'] },
  { name: '苏州', region: '320505', area: '0512', postal: '215', districts: ['虎丘区', '吴中区', '相城区', '姑苏区', '吴江区'] },
  { name: '成都', region: '510107', area: '028', postal: '610', districts: ['武侯区', '锦江区', '青羊区', '金牛区', '成华区'] },
  { name: '武汉', region: '420106', area: '027', postal: '430', districts: ['武昌区', '洪山区', '江汉区', '汉阳区', '江岸区'] },
  { name: '西安', region: '610113', area: '029', postal: '710', districts: ['雁塔区', '碑林区', '未央区', '莲湖区', '长安区'] },
  { name: '重庆', region: '500112', area: '023', postal: '400', districts: ['渝北区', '渝中区', '江北区', '九龙坡区', '南岸区'] },
  { name: '天津', region: '120116', area: '022', postal: '300', districts: ['滨海新区', '和平区', '南开区', '河西区', '西青区'] },
  { name: '福州', region: '350102', area: '0591', postal: '350', districts: ['鼓楼区', '台江区', '仓山区', '晋安区', '马尾区'] },
  { name: '厦门', region: '350206', area: '0592', postal: '361', districts: ['湖里区', '思明区', '集美区', '海沧区', '同安区'] },
  { name: '青岛', region: '370212', area: '0532', postal: '266', districts: ['崂山区', '市南区', '市北区', '李沧区', '黄岛区'] },
  { name: '济南', region: '370102', area: '0531', postal: '250', districts: ['历下区', '市中区', '槐荫区', '天桥区', '历城区'] },
  { name: '宁波', region: '330212', area: '0574', postal: '315', districts: ['鄞州区', '海曙区', '江北区', '北仑区', '镇海区'] },
  { name: '合肥', region: '340104', area: '0551', postal: '230', districts: ['蜀山区', '包河区', '庐阳区', '瑶海区', '高新区'] },
  { name: '长沙', region: '430104', area: '0731', postal: '410', districts: ['岳麓区', '芙蓉区', '天心区', '开福区', '雨花区'] },
  { name: '郑州', region: '410105', area: '0371', postal: '450', districts: ['金水区', '二七区', '中原区', '管城区', '惠济区'] },
  { name: '东莞', region: '441900', area: '0769', postal: '523', districts: ['南城街道', '东城街道', '松山湖', '长安镇', '虎门镇'] },
  { name: '佛山', region: '440606', area: '0757', postal: '528', districts: ['顺德区', '南海区', '禅城区', '三水区', '高明区'] },
  { name: '无锡', region: '320214', area: '0510', postal: '214', districts: ['新吴区', '滨湖区', '梁溪区', '锡山区', '惠山区'] },
  { name: '沈阳', region: '210102', area: '024', postal: '110', districts: ['和平区', '沈河区', '皇姑区', '铁西区', '浑南区'] },
  { name: '大连', region: '210204', area: '0411', postal: '116', districts: ['沙河口区', '中山区', '西岗区', '甘井子区', '金州区'] },
  { name: '昆明', region: '530102', area: '0871', postal: '650', districts: ['五华区', '盘龙区', '官渡区', '西山区', '呈贡区'] },
];

/** Characters that read well in Chinese trade names (字号). */
export const BRAND_CHARS = [...'恒瑞华鑫盛达泰安新康宏远创汇丰嘉祥和隆兴永通中天宇博凯信诚德明辉联昌利源海东方正佳晟卓锦润思佰荣鼎骏晨星睿晶合众优'];

export const INDUSTRY_WORDS: Array<{ word: string; industry: string }> = [
  { word: '精密机械', industry: '制造业' },
  { word: '电子科技', industry: '制造业' },
  { word: '新材料', industry: '制造业' },
  { word: '汽车零部件', industry: '制造业' },
  { word: '包装制品', industry: '制造业' },
  { word: '化工', industry: '制造业' },
  { word: '医疗器械', industry: '医药卫生' },
  { word: '生物医药', industry: '医药卫生' },
  { word: '商贸', industry: '批发和零售业' },
  { word: '供应链管理', industry: '批发和零售业' },
  { word: '进出口贸易', industry: '批发和零售业' },
  { word: '建设工程', industry: '建筑业' },
  { word: '建筑装饰工程', industry: '建筑业' },
  { word: '置业', industry: '房地产业' },
  { word: '信息技术', industry: '信息技术服务业' },
  { word: '软件', industry: '信息技术服务业' },
  { word: '网络科技', industry: '信息技术服务业' },
  { word: '物流', industry: '交通运输和物流' },
  { word: '国际货运代理', industry: '交通运输和物流' },
  { word: '餐饮管理', industry: '住宿和餐饮业' },
  { word: '农业发展', industry: '农林牧渔业' },
  { word: '新能源', industry: '能源和采矿业' },
  { word: '能源科技', industry: '能源和采矿业' },
  { word: '教育科技', industry: '教育' },
];

export const COMPANY_SUFFIXES: Array<readonly [string, number]> = [
  ['有限公司', 70],
  ['股份有限公司', 15],
  ['集团有限公司', 8],
  ['科技有限公司', 7],
];

export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤'];
export const GIVEN_CHARS = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国志文斌宇浩凯晨欣雪梅林峰海波婷慧琳颖佳俊'];

export const STREETS = ['人民路', '解放路', '中山路', '建设路', '长江路', '科技园路', '创业大道', '新华路', '和平路', '工业园路', '滨江大道', '高新大道'];

export const BANKS: Array<{ name: string; code: string }> = [
  { name: '中国工商银行', code: '102' },
  { name: '中国农业银行', code: '103' },
  { name: '中国银行', code: '104' },
  { name: '中国建设银行', code: '105' },
  { name: '交通银行', code: '301' },
  { name: '中信银行', code: '302' },
  { name: '中国光大银行', code: '303' },
  { name: '中国民生银行', code: '305' },
  { name: '招商银行', code: '308' },
  { name: '兴业银行', code: '309' },
];

export const INSTITUTION_NAMES = ['人民医院', '中医院', '职业技术学院', '第一中学', '疾病预防控制中心', '科学技术研究院', '图书馆', '广播电视台'];
export const GOVERNMENT_NAMES = ['交通运输局', '住房和城乡建设局', '市场监督管理局', '教育局', '卫生健康委员会', '水务局', '农业农村局', '城市管理局'];
export const SHOP_WORDS = ['五金经营部', '建材店', '便利店', '汽车维修店', '电器商行', '服装店', '茶叶店', '餐馆'];

export const FOREIGN: Array<{ country: string; prefix: string; suffix: string }> = [
  { country: 'HK', prefix: '香港', suffix: '国际贸易有限公司' },
  { country: 'SG', prefix: '新加坡', suffix: '控股私人有限公司' },
  { country: 'US', prefix: '美国', suffix: '科技公司' },
  { country: 'JP', prefix: '日本', suffix: '株式会社' },
  { country: 'DE', prefix: '德国', suffix: '工业有限公司' },
  { country: 'GB', prefix: '英国', suffix: '贸易有限公司' },
];
