-- One database per service (architecture §1: no service reads another's tables).
CREATE DATABASE svu_admission;
CREATE DATABASE svu_planning;
CREATE DATABASE svu_discharge;
CREATE DATABASE svu_billing;
