CREATE TABLE department (id int PRIMARY KEY, manager_id int);
CREATE TABLE employee (id int PRIMARY KEY, department_id int REFERENCES department, mentor_id int REFERENCES employee);
ALTER TABLE department ADD FOREIGN KEY (manager_id) REFERENCES employee;
