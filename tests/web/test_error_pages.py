"""Errors answer with a page in the user's language that says what happened and where to go."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


def test_a_missing_page_is_explained_in_chinese_with_a_way_home(world):
    response = world.client(world.dong_user).get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "此页面不存在" in page and 'href="/"' in page and "Not Found" not in page


def test_a_forbidden_page_names_the_reason_and_the_person_to_ask(world):
    response = world.client(world.dong_user).get(reverse("units:list"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权" in page and "系统管理员" in page and "403 Forbidden" not in page


def test_the_error_pages_are_in_english_for_english_users(world):
    client = world.client(world.dong_user)
    client.cookies["django_language"] = "en"
    page = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This page does not exist" in page


def test_a_server_error_page_stands_alone_in_both_languages(db):
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出错" in page and "Something went wrong" in page


def test_an_expired_form_is_explained_not_a_bare_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    response = client.post(reverse("units:list"), {})
    page = response.content.decode()
    assert response.status_code == 403 and "表单已过期" in page and "CSRF" not in page
