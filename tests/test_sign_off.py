"""A reseller line pasted before a document's sign-off goes; the sign-off itself stays."""

from __future__ import annotations

import pytest

import docclean

BODY = (
    "关于做好年末安全检查工作的通知\n"
    "各单位：\n"
    "为切实做好年末安全生产工作，现就有关事项通知如下。一是加强领导，二是压实责任，三是强化督查。\n"
    "各单位要高度重视，认真组织实施，确保各项措施落到实处。\n"
)


@pytest.mark.parametrize("junk", ["如有侵权请联系删除", "精品文档 欢迎下载", "本文档由星河文库整理，更多资料请关注"])
@pytest.mark.parametrize("sign_off", [
    "市安全生产委员会办公室\n2024年3月1日\n",
    "青山区人民政府\n二〇二四年三月\n",
    "述职人：王小川\n2023-12-28\n",
    "特此通知。\n",
])
def test_the_sign_off_after_a_pasted_reseller_line_stays(junk: str, sign_off: str) -> None:
    result = docclean.clean(BODY + junk + "\n" + sign_off)
    assert result.text == BODY + sign_off
    stripped = [f for f in result.findings if f.applied]
    assert [f.text.strip() for f in stripped] == [junk]


def test_a_site_name_after_the_tail_block_still_goes() -> None:
    result = docclean.clean(BODY + "如有侵权请联系删除\n星河文档中心\n")
    assert result.text == BODY



@pytest.mark.parametrize("sign_off", [
    "【填写单位名称】（盖章）\n20XX年XX月XX日\n",
    "发言人：八年级（3）班班主任　○○○\n20××年××月××日\n",
])
def test_an_unfilled_sign_off_after_the_tail_block_stays_and_is_flagged(sign_off: str) -> None:
    junk = "亲，文档满意的话给个五星好评，截图联系客服返现２元\n（本资料为电子版，售出不退不换）\n"
    result = docclean.clean(BODY + "\n" + junk + "\n" + sign_off)
    assert result.text == BODY + "\n" + sign_off
    flagged = [f for f in result.findings if f.category == "placeholder"]
    assert flagged and all(f.start >= len(BODY) + 1 + len(junk) for f in flagged)


def test_a_title_between_two_head_reseller_lines_stays() -> None:
    title = "【填写单位名称】生产安全事故综合应急预案\n"
    shop = "淘宝店铺：星河资料铺　旺旺：星河资料铺小二\n"
    text = "本店文档均为Word格式，拍下自动发货，可直接编辑修改\n" + title + shop + BODY
    assert docclean.clean(text).text == title + BODY
