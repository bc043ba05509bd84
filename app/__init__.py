"""Connection Check («Проверка связи»): are calls, messages and maps blocked on this network?"""

__version__ = "0.1.0"
APP_NAME = "Connection Check"
APP_NAME_RU = "Проверка связи"
